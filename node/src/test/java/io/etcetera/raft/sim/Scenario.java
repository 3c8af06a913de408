package io.etcetera.raft.sim;

import io.etcetera.raft.ProposalDroppedException;
import io.etcetera.raft.RaftRole;
import io.etcetera.raft.ReadState;
import io.etcetera.raft.Status;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.tracker.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A small fluent language for scripted runs of a {@link SimCluster}, after TigerBeetle's
 * {@code replica_test.zig}: pick nodes by ID or role, cut links, crash and restart them, write
 * and read, and wait for what must happen within a bound. The safety checks of the simulation run
 * underneath all along; a failure, of a check or of a wait, reports the cluster's state and its
 * last events.
 *
 * <pre>{@code
 * Scenario t = Scenario.cluster(SimOptions.calm(5));
 * Scenario.Member old = t.electLeader(1);
 * old.isolate();
 * Scenario.Member next = t.awaitLeaderOtherThan(old);
 * t.write("x");
 * t.heal().awaitConverged();
 * }</pre>
 *
 * Confined to the test's thread.
 */
final class Scenario {

    /** Waits give up after this many ticks: many election timeouts at the calm settings. */
    static final int WAIT_TICKS_MAX = 200;

    private final SimCluster cluster;
    private final String name;

    private Scenario(SimCluster cluster, String name) {
        this.cluster = cluster;
        this.name = name;
    }

    /** A cluster with {@code options}, seeded with 1; {@code name} names the test to rerun. */
    static Scenario cluster(SimOptions options, String name) {
        return new Scenario(new SimCluster(1, options), name);
    }

    SimCluster simulation() {
        return cluster;
    }

    Member node(long id) {
        cluster.node(id);
        return new Member(id);
    }

    /** The running leader of the highest term; fails if there is none. */
    Member leader() {
        SimNode leader = cluster.leader();
        if (leader == null) {
            throw failure(new AssertionError("no leader"));
        }
        return new Member(leader.id);
    }

    /** Runs {@code ticks} ticks. */
    Scenario runTicks(int ticks) {
        guarded(() -> {
            cluster.runTicks(ticks);
            return true;
        }, "never");
        return this;
    }

    /**
     * Campaigns at {@code id} until it leads: again every two ticks, since a campaign may lose
     * to votes already cast in its term.
     */
    Member electLeader(long id) {
        Member candidate = node(id);
        guarded(() -> {
            for (int attempt = 0; attempt < WAIT_TICKS_MAX / 2; attempt++) {
                if (candidate.role() == RaftRole.LEADER) {
                    return true;
                }
                candidate.campaign();
                cluster.runTicks(2);
            }
            return false;
        }, "node " + id + " to lead");
        return candidate;
    }

    /** Starts a node with an empty disk that joins once a conf change adds it. */
    Member startJoiner(long id) {
        cluster.startJoiner(id);
        return new Member(id);
    }

    /** Waits until a node other than {@code old} leads, and returns it. */
    Member awaitLeaderOtherThan(Member old) {
        await(() -> cluster.leader() != null && cluster.leader().id != old.id
                && cluster.leader().status().hardState().getTerm() > old.term(),
                "a leader other than " + old.id);
        return leader();
    }

    /** Proposes {@code values} at the leader and waits until the leader applied them. */
    Scenario write(String... values) {
        Member leader = leader();
        for (String value : values) {
            leader.propose(value);
        }
        for (String value : values) {
            await(() -> cluster.appliedAt(value) >= 0, "'" + value + "' to be applied");
        }
        return this;
    }

    /**
     * Waits until the leader has committed an entry of its term and every running member of its
     * configuration applied its commit index.
     */
    Scenario awaitConverged() {
        await(() -> {
            SimNode leader = cluster.leader();
            if (leader == null) {
                return false;
            }
            Status status = leader.status();
            long commit = status.hardState().getCommit();
            if (leader.log.term(commit) != status.hardState().getTerm()) {
                return false;
            }
            for (SimNode node : cluster.upNodes()) {
                boolean member = status.config().voters().contains(node.id)
                        || status.config().learners().contains(node.id);
                if (member && node.appliedIndex() < commit) {
                    return false;
                }
            }
            return leader.appliedIndex() == commit;
        }, "every running member to apply the leader's commit index");
        cluster.checker().checkLogs(cluster.nodes());
        return this;
    }

    /** Runs until {@code condition} holds; fails after {@link #WAIT_TICKS_MAX} ticks. */
    Scenario await(BooleanSupplier condition, String what) {
        guarded(() -> cluster.runUntil(condition, WAIT_TICKS_MAX), what);
        return this;
    }

    /** Cuts every link between {@code side} and the other nodes, both ways. */
    Scenario partition(long... side) {
        Set<Long> one = new TreeSet<>();
        for (long id : side) {
            one.add(id);
        }
        Set<Long> other = new TreeSet<>();
        for (SimNode node : cluster.nodes()) {
            if (!one.contains(node.id)) {
                other.add(node.id);
            }
        }
        cluster.network().partition(one, other);
        cluster.trace(0, "partition", one + " | " + other);
        return this;
    }

    /** Loses every message matching {@code filter} until {@link #heal}. */
    Scenario dropIf(Predicate<Message> filter) {
        cluster.network().dropIf(filter);
        return this;
    }

    /** Removes every partition and drop filter. */
    Scenario heal() {
        cluster.network().heal();
        cluster.trace(0, "heal", "network");
        return this;
    }

    private void guarded(BooleanSupplier run, String what) {
        boolean done;
        try {
            done = run.getAsBoolean();
        } catch (AssertionError | RuntimeException failure) {
            throw failure(failure);
        }
        if (!done) {
            throw failure(new AssertionError("waited " + WAIT_TICKS_MAX + " ticks for " + what));
        }
    }

    private SimulationFailure failure(Throwable cause) {
        return new SimulationFailure(cluster,
                "mvn -B -ntp -o -pl node test -Dtest='RaftScenarioTest#" + name + "'", cause);
    }

    /** One node of the scenario, by ID. */
    final class Member {

        final long id;

        private Member(long id) {
            this.id = id;
        }

        private SimNode sim() {
            return cluster.node(id);
        }

        Status status() {
            return sim().status();
        }

        RaftRole role() {
            return status().softState().role();
        }

        long term() {
            return status().hardState().getTerm();
        }

        long commit() {
            return status().hardState().getCommit();
        }

        long lastIndex() {
            return sim().log.lastIndex();
        }

        /** The entry at {@code index} in this node's log, or null. */
        Entry entry(long index) {
            return sim().log.entry(index);
        }

        ClusterConfig config() {
            return status().config();
        }

        boolean isUp() {
            return sim().isUp();
        }

        /** Whether this node's state machine holds the write {@code value}. */
        boolean hasApplied(String value) {
            long index = cluster.appliedAt(value);
            return index >= 0 && sim().stateMachine.appliedIndex() >= index;
        }

        List<ReadState> readStates() {
            return sim().readStates();
        }

        List<ProposalDroppedException.Reason> drops() {
            return new ArrayList<>(sim().drops());
        }

        Member campaign() {
            cluster.campaign(id);
            return this;
        }

        Member propose(String value) {
            cluster.propose(id, value);
            return this;
        }

        Member proposeConfChange(ConfChangeV2 change) {
            cluster.proposeConfChange(id, change);
            return this;
        }

        Member read(String context) {
            cluster.read(id, context);
            return this;
        }

        Member transferLeadershipTo(long transferee) {
            cluster.transferLeader(id, transferee);
            return this;
        }

        /** Cuts this node off from every other, both ways. */
        Member isolate() {
            partition(id);
            return this;
        }

        Member crash() {
            cluster.crash(id);
            return this;
        }

        Member restart() {
            cluster.restart(id);
            return this;
        }

        @Override
        public String toString() {
            return "n" + id;
        }
    }
}
