package io.etcetera.operator.model;

import java.net.URI;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * etcd's {@code --initial-cluster} value and {@code --initial-cluster-state}. A joining member must
 * be
 * started with exactly the membership the cluster has after its MemberAdd (etcd checks the peer
 * URLs),
 * so it is computed from the observed member list at pod creation, never from the spec.
 */
public record InitialCluster(SortedMap<String, URI> peerUrlsByName, boolean newCluster) {

    public InitialCluster {
        if (peerUrlsByName.isEmpty()) {
            throw new IllegalArgumentException("an initial cluster has at least one member");
        }
        peerUrlsByName = new TreeMap<>(peerUrlsByName);
    }

    public static InitialCluster of(Map<String, URI> peerUrlsByName, boolean newCluster) {
        return new InitialCluster(new TreeMap<>(peerUrlsByName), newCluster);
    }

    /** {@code name1=url1,name2=url2} in name order. */
    public String flagValue() {
        return peerUrlsByName.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    public String state() {
        return newCluster ? "new" : "existing";
    }
}
