package io.etcetera.raft.tracker;

import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.quorum.JointConfig;
import io.etcetera.raft.quorum.MajorityConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who belongs to the cluster and in which role: the voters (possibly joint), the learners, and the
 * voters that become learners once a joint configuration is left.
 *
 * <p>Immutable. Invariants (checked by {@code confchange.Changer}): a learner is in neither half
 * of the voters; every member of {@code learnersNext} is an outgoing voter; outside joint
 * consensus {@code learnersNext} is empty and {@code autoLeave} is false. ID sets iterate in
 * ascending unsigned order.
 *
 * @param voters the voters
 * @param learners non-voting members that receive the log
 * @param learnersNext outgoing voters that turn into learners when the joint configuration is left
 * @param autoLeave whether the leader leaves the joint configuration on its own once it applies it
 */
public record ClusterConfig(JointConfig voters, SortedSet<Long> learners,
                            SortedSet<Long> learnersNext, boolean autoLeave) {

    /** No members at all. */
    public static final ClusterConfig EMPTY =
            new ClusterConfig(JointConfig.EMPTY, idSet(Collections.emptyList()),
                    idSet(Collections.emptyList()), false);

    public ClusterConfig {
        Invariants.check(voters.isJoint() || learnersNext.isEmpty(),
                "learners_next %s outside joint config %s", learnersNext, voters);
        Invariants.check(voters.isJoint() || !autoLeave, "auto-leave outside joint config %s",
                voters);
    }

    /** An unmodifiable set of node IDs in ascending unsigned order. */
    public static SortedSet<Long> idSet(Collection<Long> ids) {
        TreeSet<Long> set = new TreeSet<>(Long::compareUnsigned);
        set.addAll(ids);
        return Collections.unmodifiableSortedSet(set);
    }

    /** This configuration as the {@link ConfState} stored in snapshots. */
    public ConfState toConfState() {
        ConfState.Builder state = ConfState.newBuilder().setAutoLeave(autoLeave);
        MajorityConfig incoming = voters.incoming();
        for (int i = 0; i < incoming.size(); i++) {
            state.addVoters(incoming.idAt(i));
        }
        MajorityConfig outgoing = voters.outgoing();
        for (int i = 0; i < outgoing.size(); i++) {
            state.addVotersOutgoing(outgoing.idAt(i));
        }
        return state.addAllLearners(learners).addAllLearnersNext(learnersNext).build();
    }

    /** As etcd prints it, e.g. {@code voters=(1 2)&&(1) learners=(3) autoleave}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("voters=").append(voters);
        if (!learners.isEmpty()) {
            text.append(" learners=").append(describe(learners));
        }
        if (!learnersNext.isEmpty()) {
            text.append(" learners_next=").append(describe(learnersNext));
        }
        if (autoLeave) {
            text.append(" autoleave");
        }
        return text.toString();
    }

    private static String describe(SortedSet<Long> ids) {
        StringBuilder text = new StringBuilder("(");
        for (long id : ids) {
            if (text.length() > 1) {
                text.append(' ');
            }
            text.append(Long.toHexString(id));
        }
        return text.append(')').toString();
    }
}
