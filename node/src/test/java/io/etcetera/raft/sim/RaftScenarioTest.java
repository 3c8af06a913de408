package io.etcetera.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.raft.ProposalDroppedException;
import io.etcetera.raft.RaftRole;
import io.etcetera.raft.ReadState;
import io.etcetera.raft.pb.ConfChangeSingle;
import io.etcetera.raft.pb.ConfChangeTransition;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scripted runs of the situations the Raft paper and thesis single out, in the
 * {@link Scenario} language. Each quotes the rule it shows; the simulation's safety checks run
 * underneath all along.
 */
class RaftScenarioTest {

    /**
     * Thesis §6.2 (CheckQuorum): "a leader steps down if an election timeout elapses without a
     * successful round of heartbeats to a majority of its cluster"; §9.6 (PreVote): a server
     * rejoining the cluster does not disrupt it. Raft §5.3: the isolated leader's uncommitted
     * entries are overwritten by the new leader's log.
     */
    @Test
    void isolatedLeaderStepsDownAndLosesItsUncommittedEntriesOnHealing() {
        Scenario t = Scenario.cluster(SimOptions.calm(5),
                "isolatedLeaderStepsDownAndLosesItsUncommittedEntriesOnHealing");
        Scenario.Member old = t.electLeader(1);
        t.write("before");
        old.isolate().propose("lost-1").propose("lost-2");

        Scenario.Member next = t.awaitLeaderOtherThan(old);
        t.write("after");
        t.await(() -> old.role() != RaftRole.LEADER, "the isolated leader to step down");
        long nextTerm = next.term();

        t.heal().awaitConverged();
        assertThat(old.hasApplied("before")).isTrue();
        assertThat(old.hasApplied("after")).isTrue();
        assertThat(t.simulation().appliedAt("lost-1")).as("never committed").isEqualTo(-1);
        assertThat(t.simulation().appliedAt("lost-2")).as("never committed").isEqualTo(-1);
        assertThat(t.leader().id).as("the rejoining node did not disrupt").isEqualTo(next.id);
        assertThat(t.leader().term()).isEqualTo(nextTerm);
    }

    /**
     * Raft §5.4.2, Figure 8: "Raft never commits log entries from previous terms by counting
     * replicas. Only log entries from the leader's current term are committed by counting
     * replicas." S1 is re-elected and brings its old entry at index k to a majority, which
     * does not commit it: S5, holding a different entry at k from a later term, can still win
     * and overwrite it.
     */
    @Test
    void figure8OldTermEntryOnAMajorityIsNotCommittedAndMayBeOverwritten() {
        SimOptions options = SimOptions.calm(5).withPreVote(false).withCheckQuorum(false)
                .withOneEntryPerMessage().withElectionTicks(50);
        Scenario t = Scenario.cluster(options,
                "figure8OldTermEntryOnAMajorityIsNotCommittedAndMayBeOverwritten");
        Scenario.Member s1 = t.electLeader(1);
        t.write("a").awaitConverged();
        long k = s1.lastIndex() + 1;
        long oldTerm = s1.term();

        // (a) S1 replicates its entry at k to S2 only, and crashes.
        t.dropIf(m -> appendFrom(m, 1) && m.getTo() != 2);
        s1.propose("b");
        t.await(() -> t.node(2).entry(k) != null, "S2 to hold entry " + k);
        s1.crash();
        t.heal();

        // (b) S5 wins the next term with votes from S3 and S4; its entry at k goes nowhere.
        t.dropIf(m -> appendFrom(m, 5));
        Scenario.Member s5 = t.electLeader(5);
        t.await(() -> s5.entry(k) != null, "S5 to append its own entry at " + k);
        assertThat(s5.entry(k).getTerm()).isGreaterThan(oldTerm);
        s5.crash();
        t.heal();

        // (c) S1 restarts, wins a later term and brings its old entry at k to S3 and S4: a
        // majority holds it, but no entry of S1's new term reaches anyone (appends that carry
        // one are dropped where they would be accepted; probes that are rejected pass).
        s1.restart();
        t.dropIf(m -> appendFrom(m, 1) && m.getEntriesList().stream()
                .anyMatch(entry -> entry.getTerm() > oldTerm)
                && t.node(m.getTo()).entry(m.getIndex()) != null
                && t.node(m.getTo()).entry(m.getIndex()).getTerm() == m.getLogTerm());
        t.electLeader(1);
        t.await(() -> s1.status().progress().get(3).match() >= k
                && s1.status().progress().get(4).match() >= k,
                "S3 and S4 to acknowledge entry " + k);
        t.runTicks(5);
        assertThat(s1.entry(k).getTerm()).isEqualTo(oldTerm);
        assertThat(s1.commit()).as("entry %d of an older term is on a majority, yet not "
                + "committed", k).isLessThan(k);

        // (d) S1 crashes; S5 is elected with votes from S2, S3 and S4 and overwrites k.
        s1.crash();
        t.heal();
        s5.restart();
        t.electLeader(5);
        t.awaitConverged();
        s1.restart();
        t.awaitConverged();
        for (long id = 1; id <= 5; id++) {
            assertThat(t.node(id).entry(k)).as("entry %d at S%d", k, id).isEqualTo(s5.entry(k));
        }
        assertThat(t.simulation().appliedAt("b")).as("never committed").isEqualTo(-1);
    }

    private static boolean appendFrom(Message message, long from) {
        return message.getFrom() == from && message.getType() == MessageType.MsgApp;
    }

    /**
     * Thesis §6.4: "the leader ... needs to confirm that it has not been deposed ... by
     * exchanging heartbeats with a majority of the cluster" before answering a read. Without
     * CheckQuorum a partitioned leader still believes it leads, but it never answers a read,
     * while the majority's leader answers at an index that covers the latest write.
     */
    @Test
    void partitionedLeaderNeverAnswersAStaleRead() {
        Scenario t = Scenario.cluster(SimOptions.calm(5).withCheckQuorum(false),
                "partitionedLeaderNeverAnswersAStaleRead");
        Scenario.Member old = t.electLeader(1);
        t.write("x1");
        t.partition(1, 2);
        Scenario.Member next = t.awaitLeaderOtherThan(old);
        t.write("x2");
        old.read("stale");
        next.read("fresh");
        t.await(() -> !next.readStates().isEmpty(), "the new leader to answer its read");
        t.runTicks(3 * 10);

        assertThat(old.role()).as("without CheckQuorum it does not know").isEqualTo(
                RaftRole.LEADER);
        assertThat(old.readStates()).as("reads answered by the partitioned leader").isEmpty();
        ReadState fresh = next.readStates().get(0);
        assertThat(fresh.index()).isGreaterThanOrEqualTo(t.simulation().appliedAt("x2"));

        t.heal().awaitConverged();
        assertThat(old.role()).isEqualTo(RaftRole.FOLLOWER);
        for (ReadState late : old.readStates()) {
            assertThat(late.index()).isGreaterThanOrEqualTo(t.simulation().appliedAt("x2"));
        }
    }

    /**
     * Thesis §3.10: during a transfer "the prior leader stops accepting new client requests",
     * and "if the transfer does not complete within about an election timeout, the prior leader
     * aborts the transfer and resumes accepting client requests". A transfer to a partitioned
     * follower is abandoned; after healing, the same transfer succeeds.
     */
    @Test
    void transferToAPartitionedFollowerIsAbortedThenSucceedsAfterHealing() {
        Scenario t = Scenario.cluster(SimOptions.calm(5),
                "transferToAPartitionedFollowerIsAbortedThenSucceedsAfterHealing");
        Scenario.Member leader = t.electLeader(1);
        t.write("x1");
        Scenario.Member target = t.node(3).isolate();
        leader.transferLeadershipTo(3);
        t.runTicks(1);
        leader.propose("during-transfer");
        t.runTicks(1);
        assertThat(leader.drops()).contains(
                ProposalDroppedException.Reason.LEADER_TRANSFER_IN_PROGRESS);

        t.runTicks(2 * 10);
        assertThat(leader.status().leadTransferee()).as("transfer aborted").isZero();
        assertThat(t.leader().id).isEqualTo(1);
        t.write("after-abort");

        t.heal().awaitConverged();
        long term = leader.term();
        leader.transferLeadershipTo(3);
        t.await(() -> target.role() == RaftRole.LEADER, "node 3 to take over");
        assertThat(target.term()).isGreaterThan(term);
        t.write("x2").awaitConverged();
    }

    /**
     * Thesis §4.3: in joint consensus "agreement (for elections and entry commitment) requires
     * separate majorities from both the old and new configurations". Nodes 2 and 3 are replaced
     * by 4 and 5 through C(old,new); the leader crashes in the middle. The new configuration's
     * side alone cannot elect a leader; with the old majority back one is elected, leaves the
     * joint configuration, and the removed members stop.
     */
    @Test
    void jointChangeSurvivesALeaderCrashBetweenEnteringAndLeaving() {
        Scenario t = Scenario.cluster(SimOptions.calm(3),
                "jointChangeSurvivesALeaderCrashBetweenEnteringAndLeaving");
        Scenario.Member first = t.electLeader(1);
        t.write("x1");
        t.startJoiner(4);
        t.startJoiner(5);
        first.proposeConfChange(ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT)
                .addAllChanges(List.of(single(ConfChangeType.CONF_CHANGE_ADD_NODE, 4),
                        single(ConfChangeType.CONF_CHANGE_ADD_NODE, 5),
                        single(ConfChangeType.CONF_CHANGE_REMOVE_NODE, 2),
                        single(ConfChangeType.CONF_CHANGE_REMOVE_NODE, 3)))
                .build());
        t.await(() -> t.node(4).isUp() && t.node(4).config().voters().isJoint()
                && t.node(5).config().voters().isJoint(), "4 and 5 to apply C(old,new)");
        first.crash();

        t.partition(2, 3);
        t.runTicks(5 * 10);
        assertThat(t.simulation().leader()).as("no leader from the new majority alone")
                .isNull();

        t.heal();
        t.await(() -> t.simulation().leader() != null, "a leader with both majorities");
        t.leader().proposeConfChange(ConfChanges.leaveJoint());
        t.await(() -> !t.node(2).isUp() && !t.node(3).isUp(), "2 and 3 to stop as removed");
        first.restart();
        t.write("x2").awaitConverged();
        assertThat(t.leader().config().voters().isJoint()).isFalse();
        assertThat(t.leader().config().voters().incoming().ids()).containsExactly(1, 4, 5);
        assertThat(first.hasApplied("x2")).isTrue();
    }

    private static ConfChangeSingle single(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }

    /**
     * A member added after the leader's last snapshot cannot use that snapshot (its
     * configuration does not name the member, so the member refuses it) nor the compacted log:
     * as etcd's server does, the leader's caller sends a snapshot of its state machine as of its
     * applied index instead (see RawNode's duties), and the learner catches up.
     */
    @Test
    void learnerAddedAfterTheLastSnapshotCatchesUpFromACurrentSnapshot() {
        Scenario t = Scenario.cluster(SimOptions.calm(3).withSnapshots(5, 0),
                "learnerAddedAfterTheLastSnapshotCatchesUpFromACurrentSnapshot");
        Scenario.Member leader = t.electLeader(1);
        for (int i = 0; i < 12; i++) {
            t.write("w" + i);
        }
        t.awaitConverged();
        Scenario.Member learner = t.startJoiner(4);
        leader.proposeConfChange(ConfChanges.single(ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE,
                4));
        t.write("after-add").awaitConverged();
        assertThat(leader.config().learners()).containsExactly(4L);
        assertThat(learner.hasApplied("after-add")).isTrue();
        assertThat(learner.hasApplied("w0")).as("through the snapshot").isTrue();
    }
}
