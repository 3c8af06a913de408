package io.etcetera.operator.plan;

import io.etcetera.operator.model.MemberName;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything one pass observed about a cluster.
 *
 * @param members every member known from any source, by ordinal
 * @param membershipKnown some voter answered MemberList, so {@code id}/{@code learner} are current
 * @param bootstrapped the cluster has existed before: a member answered once (the prior status has
 *     a cluster ID), a member Pod exists, or more than one claim does; a cluster that has never
 *     been bootstrapped may be, one that has must never be again
 * @param nextOrdinal the ordinal a new member gets; above every ordinal ever used
 *
 * <p>Invariants: every ordinal is below {@code nextOrdinal}; when membership is known some voter
 * is listed (only a voter's answer makes it known).
 */
public record Observation(
        List<ObservedMember> members, boolean membershipKnown, boolean bootstrapped,
        int nextOrdinal) {

    public Observation {
        members = members.stream().sorted(Comparator.comparing(ObservedMember::name)).toList();
        for (ObservedMember m : members) {
            if (m.name().ordinal() >= nextOrdinal) {
                throw new IllegalStateException("nextOrdinal(" + nextOrdinal + ") <= ordinal of "
                        + m.name());
            }
        }
        if (membershipKnown && members.stream().noneMatch(ObservedMember::voter)) {
            throw new IllegalStateException("membership known without a voter: " + members);
        }
    }

    public List<ObservedMember> voters() {
        return members.stream().filter(ObservedMember::voter).toList();
    }

    public long healthyVoterCount() {
        return members.stream().filter(m -> m.voter() && m.healthy()).count();
    }

    public List<ObservedMember> learners() {
        return members.stream().filter(m -> m.inCluster() && m.learner()).toList();
    }

    public Optional<ObservedMember> leader() {
        return members.stream().filter(m -> m.voter() && m.leader()).findFirst();
    }

    public MemberName nextMember(String cluster) {
        return new MemberName(cluster, nextOrdinal);
    }

    /** Names of members in etcd's list: the initial cluster a joining member must start with. */
    public List<MemberName> clusterMembers() {
        return members.stream().filter(ObservedMember::inCluster).map(ObservedMember::name)
                .toList();
    }
}
