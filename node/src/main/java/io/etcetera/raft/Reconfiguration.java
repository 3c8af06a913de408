package io.etcetera.raft;

import io.etcetera.invariants.Invariants;
import io.etcetera.raft.confchange.Changer;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.tracker.Progress;
import io.etcetera.raft.tracker.ProgressMap;
import java.util.List;

/**
 * Changes of a node's configuration: applying a committed conf change, installing a snapshot's
 * configuration, and what the leader must do when the configuration changes under it (commit with
 * the new quorum, probe new members, step down when removed).
 *
 * <p>Membership changes take effect when applied, not when appended (etcd's choice; thesis §4.1
 * allows either as long as at most one change is pending). Confined to the raft thread.
 */
final class Reconfiguration {

    private final Raft raft;

    Reconfiguration(Raft raft) {
        this.raft = raft;
    }

    /** Sets up the configuration read from storage when the node starts. */
    void restoreConfig(ConfState state) {
        Changer.Result result = Changer.restore(raft.tracker, raft.log.lastIndex(), state);
        checkEquivalent(state, switchToConfig(result));
    }

    /** Applies a committed conf change and returns the configuration it leads to. */
    ConfState applyConfChange(ConfChangeV2 change) {
        Changer.Result result = new Changer(raft.tracker, raft.log.lastIndex()).apply(change);
        return switchToConfig(result);
    }

    /**
     * Installs a snapshot received from the leader (follower only). Returns false when it was
     * ignored: not newer than what we committed, not naming us, or matching our log already (then
     * only the commit index moves up to it).
     */
    boolean restoreSnapshot(Snapshot snapshot) {
        long index = snapshot.getMetadata().getIndex();
        long term = snapshot.getMetadata().getTerm();
        if (index <= raft.log.committed()) {
            return false;
        }
        if (raft.role != RaftRole.FOLLOWER) {
            // Defence in depth: only followers install snapshots. Should a leader ever get here,
            // move it out of its term rather than overwrite its log.
            raft.becomeFollower(raft.term + 1, Raft.NONE);
            return false;
        }
        ConfState state = snapshot.getMetadata().getConfState();
        if (!names(state, raft.id)) {
            return false;
        }
        if (raft.log.matchTerm(index, term)) {
            // We hold the snapshot's last entry, hence (log matching) everything before it.
            raft.log.commitTo(index);
            return false;
        }
        raft.log.restore(snapshot);
        raft.tracker = raft.tracker.emptyCopy();
        Changer.Result result = Changer.restore(raft.tracker, raft.log.lastIndex(), state);
        checkEquivalent(state, switchToConfig(result));
        return true;
    }

    private static boolean names(ConfState state, long id) {
        // learners_next need not be checked: each of them is also an outgoing voter.
        return state.getVotersList().contains(id) || state.getLearnersList().contains(id)
                || state.getVotersOutgoingList().contains(id);
    }

    /** Makes {@code result} the node's configuration and reacts to it as leader. */
    private ConfState switchToConfig(Changer.Result result) {
        raft.tracker.switchTo(result.config(), result.progress());
        ConfState state = result.config().toConfState();
        Progress self = raft.tracker.progress().get(raft.id);
        raft.learner = self != null && self.isLearner();
        if ((self == null || raft.learner) && raft.role == RaftRole.LEADER) {
            // Removed or demoted while leading. With stepDownOnRemoval it steps down at once;
            // otherwise it leads on (accepting no proposals) until a new leader appears.
            if (raft.config.stepDownOnRemoval()) {
                raft.becomeFollower(raft.term, Raft.NONE);
            }
            return state;
        }
        if (raft.role != RaftRole.LEADER || state.getVotersCount() == 0) {
            return state;
        }
        if (raft.replication.maybeCommit()) {
            // The new quorum may commit more: tell everyone.
            raft.replication.broadcastAppend();
        } else {
            // Probe new members now rather than at the next heartbeat or proposal.
            ProgressMap progress = raft.tracker.progress();
            for (int i = 0; i < progress.size(); i++) {
                long peer = progress.idAt(i);
                if (peer != raft.id) {
                    raft.replication.maybeSendAppend(peer, false);
                }
            }
        }
        if (raft.leadTransferee != Raft.NONE
                && !raft.tracker.config().voters().contains(raft.leadTransferee)) {
            // The transferee was removed or demoted: the transfer cannot succeed.
            raft.abortLeaderTransfer();
        }
        return state;
    }

    /** The configuration rebuilt from {@code expected} must describe the same members. */
    private static void checkEquivalent(ConfState expected, ConfState actual) {
        Invariants.check(sorted(expected.getVotersList()).equals(actual.getVotersList())
                        && sorted(expected.getLearnersList()).equals(actual.getLearnersList())
                        && sorted(expected.getVotersOutgoingList())
                                .equals(actual.getVotersOutgoingList())
                        && sorted(expected.getLearnersNextList())
                                .equals(actual.getLearnersNextList())
                        && expected.getAutoLeave() == actual.getAutoLeave(),
                "restored configuration %s differs from %s", actual, expected);
    }

    private static List<Long> sorted(List<Long> ids) {
        return ids.stream().sorted(Long::compareUnsigned).distinct().toList();
    }
}
