package io.etcetera.operator.etcd;

/** One member's answer to {@code Maintenance.Status}. */
public record MemberStatus(long memberId, long leaderId, long raftIndex, long raftTerm,
        long revision, long dbSizeBytes, String version) {

    public boolean isLeader() {
        return memberId != 0 && memberId == leaderId;
    }
}
