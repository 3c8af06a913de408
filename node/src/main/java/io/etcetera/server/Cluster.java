package io.etcetera.server;

import io.etcd.jetcd.api.MemberListResponse;
import io.etcetera.server.pb.MemberRecord;

/**
 * The cluster requests of a member (etcd's {@code ClusterServer}); here the member list, as this
 * member has applied it.
 *
 * <p>Thread-safe and non-blocking.
 */
public final class Cluster {

    private final Membership membership;
    private final Headers headers;

    Cluster(Membership membership, Headers headers) {
        this.membership = membership;
        this.headers = headers;
    }

    /** etcd's MemberList: every member, sorted by ID, with its peer and client URLs. */
    public MemberListResponse memberList() {
        MemberListResponse.Builder response = MemberListResponse.newBuilder()
                .setHeader(headers.current());
        for (MemberRecord member : membership.members()) {
            response.addMembers(io.etcd.jetcd.api.Member.newBuilder()
                    .setID(member.getId())
                    .setName(member.getName())
                    .addAllPeerURLs(member.getPeerUrlsList())
                    .addAllClientURLs(member.getClientUrlsList())
                    .setIsLearner(member.getIsLearner()));
        }
        return response.build();
    }
}
