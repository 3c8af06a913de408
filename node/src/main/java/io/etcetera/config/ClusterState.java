package io.etcetera.config;

/** The {@code --initial-cluster-state} flag: bootstrap a new cluster, or join an existing one. */
public enum ClusterState {
    NEW,
    EXISTING;

    static ClusterState ofFlag(String value) {
        return value.equals("existing") ? EXISTING : NEW;
    }
}
