package io.etcetera.raft.sim;

import io.etcetera.raft.pb.ConfChangeSingle;
import io.etcetera.raft.pb.ConfChangeTransition;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import java.util.Set;
import java.util.TreeSet;

/**
 * Membership as the simulation reads it: who belongs to a {@link ConfState}, and conf changes
 * built and printed in one short line each. Stateless.
 */
final class ConfChanges {

    private ConfChanges() {}

    /** Every member: voters (both halves of a joint configuration) and learners. */
    static Set<Long> members(ConfState state) {
        Set<Long> members = new TreeSet<>(state.getVotersList());
        members.addAll(state.getVotersOutgoingList());
        members.addAll(state.getLearnersList());
        members.addAll(state.getLearnersNextList());
        return members;
    }

    static boolean isMember(ConfState state, long id) {
        return members(state).contains(id);
    }

    static ConfChangeV2 single(ConfChangeType type, long id) {
        return ConfChangeV2.newBuilder().addChanges(ConfChangeSingle.newBuilder().setType(type)
                .setNodeId(id)).build();
    }

    /** An empty change: leave the joint configuration. */
    static ConfChangeV2 leaveJoint() {
        return ConfChangeV2.getDefaultInstance();
    }

    static String describe(ConfChangeV2 change) {
        if (change.getChangesCount() == 0) {
            return "leave-joint";
        }
        StringBuilder text = new StringBuilder();
        for (ConfChangeSingle single : change.getChangesList()) {
            text.append(text.length() == 0 ? "" : ",").append(switch (single.getType()) {
                case CONF_CHANGE_ADD_NODE -> "+v";
                case CONF_CHANGE_REMOVE_NODE -> "-";
                case CONF_CHANGE_ADD_LEARNER_NODE -> "+l";
                default -> "?";
            }).append(single.getNodeId());
        }
        if (change.getTransition() == ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT) {
            text.append(" (explicit)");
        }
        return text.toString();
    }

    static String describe(ConfState state) {
        StringBuilder text = new StringBuilder("voters=").append(state.getVotersList());
        if (state.getVotersOutgoingCount() > 0) {
            text.append("&&").append(state.getVotersOutgoingList());
        }
        if (state.getLearnersCount() > 0) {
            text.append(" learners=").append(state.getLearnersList());
        }
        if (state.getLearnersNextCount() > 0) {
            text.append(" next=").append(state.getLearnersNextList());
        }
        return text.append(state.getAutoLeave() ? " auto" : "").toString();
    }
}
