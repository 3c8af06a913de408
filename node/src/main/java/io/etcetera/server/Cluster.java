package io.etcetera.server;

import io.etcd.jetcd.api.MemberAddResponse;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.MemberRemoveResponse;
import io.etcd.jetcd.api.MemberUpdateResponse;
import io.etcetera.server.pb.MemberPromoteResponse;
import io.etcetera.server.pb.MemberRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster requests of a member (etcd's {@code ClusterServer}): the member list as this member
 * has applied it, and membership changes ({@link Reconfiguration}), each answered with the members
 * once this member applied the change.
 *
 * <p>Thread-safe and non-blocking.
 */
public final class Cluster {

    private final Membership membership;
    private final Headers headers;
    private final Reconfiguration reconfiguration;

    Cluster(Membership membership, Headers headers, Reconfiguration reconfiguration) {
        this.membership = membership;
        this.headers = headers;
        this.reconfiguration = reconfiguration;
    }

    /** etcd's MemberList: every member, sorted by ID, with its peer and client URLs. */
    public MemberListResponse memberList() {
        return MemberListResponse.newBuilder().setHeader(headers.current())
                .addAllMembers(members()).build();
    }

    /** etcd's MemberAdd: a voter, or a learner. */
    public CompletableFuture<MemberAddResponse> memberAdd(List<String> peerUrls,
            boolean learner) {
        return reconfiguration.add(peerUrls, learner).thenApply(added ->
                MemberAddResponse.newBuilder().setHeader(headers.current())
                        .setMember(toMember(added)).addAllMembers(members()).build());
    }

    /** etcd's MemberRemove. */
    public CompletableFuture<MemberRemoveResponse> memberRemove(long id) {
        return reconfiguration.remove(id).thenApply(v -> MemberRemoveResponse.newBuilder()
                .setHeader(headers.current()).addAllMembers(members()).build());
    }

    /** etcd's MemberUpdate: new peer URLs. */
    public CompletableFuture<MemberUpdateResponse> memberUpdate(long id, List<String> peerUrls) {
        return reconfiguration.update(id, peerUrls).thenApply(v -> MemberUpdateResponse
                .newBuilder().setHeader(headers.current()).addAllMembers(members()).build());
    }

    /** etcd's MemberPromote: a learner that caught up becomes a voter. */
    public CompletableFuture<MemberPromoteResponse> memberPromote(long id) {
        return reconfiguration.promote(id).thenApply(v -> MemberPromoteResponse.newBuilder()
                .setHeader(headers.current()).addAllMembers(members()).build());
    }

    /** Whether this member is a learner, as it has applied the membership. */
    public boolean isLearner(long memberId) {
        MemberRecord member = membership.member(memberId);
        return member != null && member.getIsLearner();
    }

    private List<io.etcd.jetcd.api.Member> members() {
        List<io.etcd.jetcd.api.Member> members = new ArrayList<>();
        for (MemberRecord member : membership.members()) {
            members.add(toMember(member));
        }
        return members;
    }

    private static io.etcd.jetcd.api.Member toMember(MemberRecord member) {
        return io.etcd.jetcd.api.Member.newBuilder()
                .setID(member.getId())
                .setName(member.getName())
                .addAllPeerURLs(member.getPeerUrlsList())
                .addAllClientURLs(member.getClientUrlsList())
                .setIsLearner(member.getIsLearner())
                .build();
    }
}
