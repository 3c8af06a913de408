package io.etcetera.raft.sim;

import io.etcetera.raft.tracker.ClusterConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The clients of a simulated cluster: they write (propose unique values) and read (ReadIndex) at
 * random running members, as etcd clients spread over the endpoints of the member list. A write is
 * pending until it was applied somewhere (acknowledged); a client that saw no acknowledgement
 * retries it every {@code retryTicks}, at any node, since a proposal may be dropped or lost with
 * its leader. At most {@link #PENDING_MAX} writes are pending at once. Reads are checked by the
 * {@link SafetyChecker} when answered. Confined to the simulation's single thread.
 */
final class SimClients {

    /** Writes waiting for acknowledgement, at most; a client waits before writing more. */
    static final int PENDING_MAX = 16;

    private final SimCluster cluster;
    private final SplittableRandom random;
    private final int retryTicks;
    /** Pending writes and the tick each was last proposed at. */
    private final Map<String, Long> pending = new LinkedHashMap<>();
    private long writes;
    private long reads;
    private long acknowledged;

    SimClients(SimCluster cluster, SplittableRandom random, int retryTicks) {
        this.cluster = cluster;
        this.random = random;
        this.retryTicks = retryTicks;
    }

    /** Once a tick: maybe new writes and reads, retries of old writes. */
    void act(int writesPerMille, int readsPerMille) {
        collectAcknowledged();
        List<SimNode> up = endpoints();
        if (up.isEmpty()) {
            return;
        }
        long now = cluster.clock().ticks();
        for (Map.Entry<String, Long> write : pending.entrySet()) {
            if (now - write.getValue() >= retryTicks) {
                write.setValue(now);
                cluster.propose(pick(up).id, write.getKey());
            }
        }
        if (pending.size() < PENDING_MAX && random.nextInt(1000) < writesPerMille) {
            String value = "w" + writes++;
            pending.put(value, now);
            cluster.propose(pick(up).id, value);
        }
        if (random.nextInt(1000) < readsPerMille) {
            cluster.read(pick(up).id, "r" + reads++);
        }
    }

    /**
     * The running members, as a client learns them from the member list (the leader's
     * configuration); all running nodes while no leader is known.
     */
    private List<SimNode> endpoints() {
        List<SimNode> up = cluster.upNodes();
        SimNode leader = cluster.leader();
        if (leader == null) {
            return up;
        }
        ClusterConfig config = leader.status().config();
        return up.stream().filter(node -> config.voters().contains(node.id)
                || config.learners().contains(node.id)).toList();
    }

    private SimNode pick(List<SimNode> nodes) {
        return nodes.get(random.nextInt(nodes.size()));
    }

    private void collectAcknowledged() {
        int before = pending.size();
        pending.keySet().removeIf(value -> cluster.appliedAt(value) >= 0);
        acknowledged += before - pending.size();
    }

    /** Whether every write was acknowledged. */
    boolean allAcknowledged() {
        collectAcknowledged();
        return pending.isEmpty();
    }

    /** The highest index at which an acknowledged write of the pending ones was applied. */
    long highestAcknowledgedIndex(List<String> values) {
        long highest = 0;
        for (String value : values) {
            highest = Math.max(highest, cluster.appliedAt(value));
        }
        return highest;
    }

    List<String> pendingWrites() {
        return new ArrayList<>(pending.keySet());
    }

    long acknowledged() {
        return acknowledged;
    }

    long reads() {
        return reads;
    }
}
