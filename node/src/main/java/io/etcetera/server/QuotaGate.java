package io.etcetera.server;

import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.etcetera.mvcc.BackendQuota;
import io.etcetera.server.pb.RaftRequest;

/**
 * etcd's quota check before proposing a write that grows the store ({@code quotaKVServer} for puts
 * and txns with puts, {@code quotaLeaseServer} for lease grants): a write that would take the
 * backend past {@code --quota-backend-bytes} is refused with {@code NO_SPACE}, and the refusal
 * raises the NOSPACE alarm through Raft (its outcome does not change the answer). Once the alarm
 * is applied the apply side refuses the same writes on every member.
 *
 * <p>Thread-safe (reads the store's size; proposing only enqueues).
 */
final class QuotaGate {

    private final long memberId;
    private final BackendQuota quota;
    private final Proposals proposals;

    QuotaGate(long memberId, BackendQuota quota, Proposals proposals) {
        this.memberId = memberId;
        this.quota = quota;
        this.proposals = proposals;
    }

    /**
     * Whether a write of {@code costBytes} (estimated as etcd's {@code Cost}) may be proposed;
     * when not, the NOSPACE alarm has been proposed.
     */
    boolean admit(long costBytes) {
        if (quota.isAvailable(costBytes)) {
            return true;
        }
        proposals.propose(RaftRequest.newBuilder().setAlarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(memberId)
                .setAlarm(AlarmType.NOSPACE)));
        return false;
    }
}
