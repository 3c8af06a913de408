package io.etcetera.raft.confchange;

import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeSingle;
import io.etcetera.raft.pb.ConfChangeTransition;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.quorum.JointConfig;
import io.etcetera.raft.quorum.MajorityConfig;
import io.etcetera.raft.tracker.ClusterConfig;
import io.etcetera.raft.tracker.Progress;
import io.etcetera.raft.tracker.ProgressMap;
import io.etcetera.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Computes the configuration that follows the tracker's current one under a membership change.
 *
 * <p>Three kinds of transition, as in etcd raft:
 * <ul>
 *   <li>{@link #simple}: at most one voter added or removed (learners freely), no joint state;
 *   <li>{@link #enterJoint}: the current voters become the outgoing half, the changes apply to
 *       the incoming half; decisions need both majorities until the joint state is left;
 *   <li>{@link #leaveJoint}: the outgoing half is dropped, {@code learnersNext} become learners.
 * </ul>
 * A voter demoted while joint cannot become a learner at once (it still votes in the outgoing
 * half): it goes to {@code learnersNext} instead. The tracker is never modified; each call returns
 * a new configuration and progress map, or throws {@link InvalidConfChangeException}.
 */
public final class Changer {

    private final ProgressTracker tracker;
    /** The leader's last log index, where a new member's progress starts probing. */
    private final long lastIndex;

    public Changer(ProgressTracker tracker, long lastIndex) {
        this.tracker = tracker;
        this.lastIndex = lastIndex;
    }

    /**
     * The outcome of a change: the new configuration and the progress of its members.
     *
     * @param config the configuration
     * @param progress one progress per member of {@code config}
     */
    public record Result(ClusterConfig config, ProgressMap progress) {}

    /** Applies {@code change} the way its transition asks for. */
    public Result apply(ConfChangeV2 change) {
        if (leavesJoint(change)) {
            return leaveJoint();
        }
        if (entersJoint(change)) {
            return enterJoint(autoLeaves(change), change.getChangesList());
        }
        return simple(change.getChangesList());
    }

    /** Enters joint consensus with {@code changes} applied to the incoming half. */
    public Result enterJoint(boolean autoLeave, List<ConfChangeSingle> changes) {
        Working working = new Working(tracker);
        if (working.outgoing != null) {
            throw new InvalidConfChangeException("config is already joint");
        }
        if (working.incoming.isEmpty()) {
            throw new InvalidConfChangeException("can't make a zero-voter config joint");
        }
        working.outgoing = working.incoming;
        working.apply(changes, lastIndex, tracker);
        return working.finish(autoLeave);
    }

    /** Leaves joint consensus: only the incoming voters remain. */
    public Result leaveJoint() {
        Working working = new Working(tracker);
        if (working.outgoing == null) {
            throw new InvalidConfChangeException("can't leave a non-joint config");
        }
        for (long id : working.learnersNext) {
            working.learners.add(id);
            working.progress.get(id).setLearner(true);
        }
        working.learnersNext.clear();
        for (int i = 0; i < working.outgoing.size(); i++) {
            long id = working.outgoing.idAt(i);
            if (!working.incoming.contains(id) && !working.learners.contains(id)) {
                working.progress.remove(id);
            }
        }
        working.outgoing = null;
        return working.finish(false);
    }

    /** Applies {@code changes} directly, which is safe only when at most one voter changes. */
    public Result simple(List<ConfChangeSingle> changes) {
        Working working = new Working(tracker);
        if (working.outgoing != null) {
            throw new InvalidConfChangeException(
                    "can't apply simple config change in joint config");
        }
        working.apply(changes, lastIndex, tracker);
        MajorityConfig before = tracker.config().voters().incoming();
        if (symmetricDifference(before, working.incoming) > 1) {
            throw new InvalidConfChangeException(
                    "more than one voter changed without entering joint config");
        }
        return working.finish(false);
    }

    /**
     * Rebuilds the configuration described by {@code state} on an empty tracker, by replaying it
     * as a series of changes: each voter, learner and outgoing voter added one at a time, then,
     * if joint, the incoming side entered as one joint change. {@code tracker} ends up switched
     * to the result.
     */
    public static Result restore(ProgressTracker tracker, long lastIndex, ConfState state) {
        List<ConfChangeSingle> outgoing = new ArrayList<>();
        List<ConfChangeSingle> incoming = new ArrayList<>();
        // The outgoing voters first become the (only) voters; the joint step then removes them
        // from the incoming half and adds the incoming members.
        for (long id : state.getVotersOutgoingList()) {
            outgoing.add(single(ConfChangeType.CONF_CHANGE_ADD_NODE, id));
            incoming.add(single(ConfChangeType.CONF_CHANGE_REMOVE_NODE, id));
        }
        for (long id : state.getVotersList()) {
            incoming.add(single(ConfChangeType.CONF_CHANGE_ADD_NODE, id));
        }
        for (long id : state.getLearnersList()) {
            incoming.add(single(ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE, id));
        }
        // Voters demoted while joint: adding them as learners puts them into learners_next.
        for (long id : state.getLearnersNextList()) {
            incoming.add(single(ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE, id));
        }
        Result result = new Result(tracker.config(), tracker.progress());
        List<ConfChangeSingle> steps = outgoing.isEmpty() ? incoming : outgoing;
        for (ConfChangeSingle step : steps) {
            result = new Changer(tracker, lastIndex).simple(List.of(step));
            tracker.switchTo(result.config(), result.progress());
        }
        if (!outgoing.isEmpty()) {
            result = new Changer(tracker, lastIndex).enterJoint(state.getAutoLeave(), incoming);
            tracker.switchTo(result.config(), result.progress());
        }
        return result;
    }

    /** The V2 form of a single-node change: one change, automatic transition, same context. */
    public static ConfChangeV2 toV2(ConfChange change) {
        return ConfChangeV2.newBuilder()
                .addChanges(single(change.getType(), change.getNodeId()))
                .setContext(change.getContext())
                .build();
    }

    /** An automatic transition without changes: the request to leave a joint configuration. */
    public static boolean leavesJoint(ConfChangeV2 change) {
        return change.getTransition() == ConfChangeTransition.CONF_CHANGE_TRANSITION_AUTO
                && change.getChangesCount() == 0;
    }

    /** Explicitly joint, or automatic with more than one change (which needs joint consensus). */
    public static boolean entersJoint(ConfChangeV2 change) {
        return change.getTransition() != ConfChangeTransition.CONF_CHANGE_TRANSITION_AUTO
                || change.getChangesCount() > 1;
    }

    /** For a change that enters joint consensus: whether it is left without an explicit change. */
    public static boolean autoLeaves(ConfChangeV2 change) {
        return switch (change.getTransition()) {
            case CONF_CHANGE_TRANSITION_AUTO, CONF_CHANGE_TRANSITION_JOINT_IMPLICIT -> true;
            case CONF_CHANGE_TRANSITION_JOINT_EXPLICIT -> false;
            case UNRECOGNIZED -> throw new InvalidConfChangeException(
                    "unknown transition " + change.getTransitionValue());
        };
    }

    private static ConfChangeSingle single(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }

    private static int symmetricDifference(MajorityConfig left, MajorityConfig right) {
        int difference = 0;
        for (int i = 0; i < left.size(); i++) {
            difference += right.contains(left.idAt(i)) ? 0 : 1;
        }
        for (int i = 0; i < right.size(); i++) {
            difference += left.contains(right.idAt(i)) ? 0 : 1;
        }
        return difference;
    }

    /** A mutable copy of a configuration and its progress, changed step by step. */
    private static final class Working {
        MajorityConfig incoming;
        /** Null when not joint. */
        MajorityConfig outgoing;
        final TreeSet<Long> learners = new TreeSet<>(Long::compareUnsigned);
        final TreeSet<Long> learnersNext = new TreeSet<>(Long::compareUnsigned);
        final ProgressMap progress;

        Working(ProgressTracker tracker) {
            ClusterConfig config = tracker.config();
            incoming = config.voters().incoming();
            outgoing = config.voters().isJoint() ? config.voters().outgoing() : null;
            learners.addAll(config.learners());
            learnersNext.addAll(config.learnersNext());
            progress = tracker.progress().copy();
            checkInvariants();
        }

        void apply(List<ConfChangeSingle> changes, long lastIndex, ProgressTracker tracker) {
            for (ConfChangeSingle change : changes) {
                long id = change.getNodeId();
                if (id == 0) {
                    // etcd proposes changes on node 0 as no-ops; skip them likewise.
                    continue;
                }
                switch (change.getType()) {
                    case CONF_CHANGE_ADD_NODE -> makeVoter(id, lastIndex, tracker);
                    case CONF_CHANGE_ADD_LEARNER_NODE -> makeLearner(id, lastIndex, tracker);
                    case CONF_CHANGE_REMOVE_NODE -> remove(id);
                    case CONF_CHANGE_UPDATE_NODE -> {
                        // Only the server's member attributes change; the configuration does not.
                    }
                    case UNRECOGNIZED -> throw new InvalidConfChangeException(
                            "unexpected conf change type " + change.getTypeValue());
                }
            }
            if (incoming.isEmpty()) {
                throw new InvalidConfChangeException("removed all voters");
            }
        }

        private void makeVoter(long id, long lastIndex, ProgressTracker tracker) {
            Progress pr = progress.get(id);
            if (pr == null) {
                addProgress(id, false, lastIndex, tracker);
                incoming = incoming.with(id);
                return;
            }
            pr.setLearner(false);
            learners.remove(id);
            learnersNext.remove(id);
            incoming = incoming.with(id);
        }

        private void makeLearner(long id, long lastIndex, ProgressTracker tracker) {
            Progress pr = progress.get(id);
            if (pr == null) {
                addProgress(id, true, lastIndex, tracker);
                learners.add(id);
                return;
            }
            if (pr.isLearner()) {
                return;
            }
            // Remove as a voter first (keeping the progress), then re-add as a learner.
            remove(id);
            progress.put(id, pr);
            if (outgoing != null && outgoing.contains(id)) {
                // Still votes in the outgoing half; it becomes a learner when the joint state ends.
                learnersNext.add(id);
            } else {
                pr.setLearner(true);
                learners.add(id);
            }
        }

        private void remove(long id) {
            if (!progress.contains(id)) {
                return;
            }
            incoming = incoming.without(id);
            learners.remove(id);
            learnersNext.remove(id);
            // An outgoing voter keeps its progress: it still counts until the joint state ends.
            if (outgoing == null || !outgoing.contains(id)) {
                progress.remove(id);
            }
        }

        private void addProgress(long id, boolean learner, long lastIndex,
                                 ProgressTracker tracker) {
            // Probe from the leader's last index: the new member most likely has an empty log, and
            // the first rejection tells where it really ends. It starts recently active, so that
            // CheckQuorum does not count it as down before it could answer.
            progress.put(id, new Progress(0, Math.max(lastIndex, 1), tracker.newInflights(),
                    learner, true));
        }

        Result finish(boolean autoLeave) {
            checkInvariants();
            JointConfig voters = new JointConfig(incoming,
                    outgoing == null ? MajorityConfig.EMPTY : outgoing);
            ClusterConfig config = new ClusterConfig(voters, ClusterConfig.idSet(learners),
                    ClusterConfig.idSet(learnersNext), voters.isJoint() && autoLeave);
            return new Result(config, progress);
        }

        private void checkInvariants() {
            JointConfig voters = new JointConfig(incoming,
                    outgoing == null ? MajorityConfig.EMPTY : outgoing);
            for (long id : voters.ids().ids()) {
                requireProgress(id);
            }
            for (long id : learners) {
                requireProgress(id);
                if (voters.contains(id)) {
                    throw new InvalidConfChangeException(id + " is both a learner and a voter");
                }
                if (!progress.get(id).isLearner()) {
                    throw new InvalidConfChangeException(id + " is in learners but not marked");
                }
            }
            for (long id : learnersNext) {
                requireProgress(id);
                if (outgoing == null || !outgoing.contains(id)) {
                    throw new InvalidConfChangeException(id + " is in learners_next but not an "
                            + "outgoing voter");
                }
                if (progress.get(id).isLearner()) {
                    throw new InvalidConfChangeException(id + " is in learners_next but already "
                            + "marked as learner");
                }
            }
            for (long id : progress.ids()) {
                if (!voters.contains(id) && !learners.contains(id)) {
                    throw new InvalidConfChangeException("progress for non-member " + id);
                }
            }
        }

        private void requireProgress(long id) {
            if (!progress.contains(id)) {
                throw new InvalidConfChangeException("no progress for " + id);
            }
        }
    }
}
