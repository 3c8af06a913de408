package io.etcetera.operator.plan;

import io.etcetera.operator.model.MemberName;
import java.time.Instant;

/**
 * One member as the operator saw it in one pass, joined from etcd's member list, the member's own
 * {@code Maintenance.Status}, its Pod and its claim.
 *
 * @param id etcd member ID; 0 when the member is not in the member list
 * @param started the member list shows its name, so it has run at least once
 * @param unreadySince when its Pod last became unready (or was created unready); null when ready
 * @param podCurrent its Pod carries the template hash the spec asks for
 * @param reachable it answered {@code Maintenance.Status} in this pass
 * @param raftIndex the Raft index it reported; 0 when unreachable
 */
public record ObservedMember(
        MemberName name,
        long id,
        boolean learner,
        boolean started,
        boolean podExists,
        boolean podReady,
        Instant unreadySince,
        boolean podCurrent,
        boolean volumeExists,
        boolean reachable,
        long raftIndex,
        boolean leader) {

    public boolean inCluster() {
        return id != 0;
    }

    public boolean voter() {
        return inCluster() && !learner;
    }

    /**
     * A voter counts towards quorum when it answers and its Pod is ready; a learner needs only to
     * answer (etcd's /health may fail on a learner, which serves no linearizable reads).
     */
    public boolean healthy() {
        return reachable && (learner || podReady);
    }
}
