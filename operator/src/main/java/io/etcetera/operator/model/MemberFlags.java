package io.etcetera.operator.model;

import io.etcetera.operator.crd.MemberOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * A member's command-line flags, in etcd's spelling, so the same Pod runs etcd or Etcetera.
 * {@code $(POD_IP)} is expanded by the kubelet from the container's {@code POD_IP} variable.
 */
public final class MemberFlags {

    private MemberFlags() {}

    public static List<String> of(ResolvedSpec spec, MemberUrls urls, InitialCluster initial,
            String tlsDir) {
        String clientScheme = spec.clientTls() ? "https" : "http";
        String peerScheme = spec.peerTls() ? "https" : "http";
        List<String> flags = new ArrayList<>(List.of(
                "--name=" + urls.member().value(),
                "--data-dir=" + ClusterModel.DATA_DIR,
                "--listen-client-urls=" + clientScheme + "://$(POD_IP):" + MemberUrls.CLIENT_PORT,
                "--advertise-client-urls=" + urls.clientUrl(),
                "--listen-peer-urls=" + peerScheme + "://$(POD_IP):" + MemberUrls.PEER_PORT,
                "--initial-advertise-peer-urls=" + urls.peerUrl(),
                "--listen-metrics-urls=http://$(POD_IP):" + ClusterModel.METRICS_PORT,
                "--initial-cluster=" + initial.flagValue(),
                "--initial-cluster-state=" + initial.state(),
                "--initial-cluster-token=" + clusterToken(urls)));
        addOptions(spec.options(), flags);
        if (spec.clientTls()) {
            flags.addAll(List.of(
                    "--cert-file=" + tlsDir + "/client/tls.crt",
                    "--key-file=" + tlsDir + "/client/tls.key",
                    "--trusted-ca-file=" + tlsDir + "/client/ca.crt",
                    "--client-cert-auth=true"));
        }
        if (spec.peerTls()) {
            flags.addAll(List.of(
                    "--peer-cert-file=" + tlsDir + "/peer/tls.crt",
                    "--peer-key-file=" + tlsDir + "/peer/tls.key",
                    "--peer-trusted-ca-file=" + tlsDir + "/peer/ca.crt",
                    "--peer-client-cert-auth=true"));
        }
        return flags;
    }

    /** Unique per cluster, so members of two clusters never join each other by mistake. */
    public static String clusterToken(MemberUrls urls) {
        return urls.namespace() + "-" + urls.member().cluster();
    }

    private static void addOptions(MemberOptions options, List<String> flags) {
        addIfSet(flags, "snapshot-count", options.snapshotCount());
        addIfSet(flags, "quota-backend-bytes", options.quotaBackendBytes());
        addIfSet(flags, "auto-compaction-mode", options.autoCompactionMode());
        addIfSet(flags, "auto-compaction-retention", options.autoCompactionRetention());
        addIfSet(flags, "heartbeat-interval", options.heartbeatIntervalMillis());
        addIfSet(flags, "election-timeout", options.electionTimeoutMillis());
    }

    /** Absent options are left to the member's default. */
    private static void addIfSet(List<String> flags, String flag, Object value) {
        if (value != null) {
            flags.add("--" + flag + "=" + value);
        }
    }
}
