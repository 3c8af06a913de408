package io.etcetera.server;

import io.etcd.jetcd.api.ResponseHeader;
import io.etcetera.mvcc.MvccStore;

/**
 * Fills the header every etcd response carries (etcd's {@code header.fill}): the cluster and member
 * IDs, the current Raft term, and the store's current revision unless the response set its own.
 *
 * <p>Thread-safe: reads volatile state only.
 */
final class Headers {

    private final long clusterId;
    private final long memberId;
    private final ReadyHandler readyHandler;
    private final MvccStore store;

    Headers(long clusterId, long memberId, ReadyHandler readyHandler, MvccStore store) {
        this.clusterId = clusterId;
        this.memberId = memberId;
        this.readyHandler = readyHandler;
        this.store = store;
    }

    /** {@code header} with the member's fields set. */
    ResponseHeader fill(ResponseHeader header) {
        return header.toBuilder()
                .setClusterId(clusterId)
                .setMemberId(memberId)
                .setRaftTerm(readyHandler.term())
                .setRevision(header.getRevision() != 0 ? header.getRevision()
                        : store.state().revision())
                .build();
    }

    /** A header with the current revision. */
    ResponseHeader current() {
        return fill(ResponseHeader.getDefaultInstance());
    }
}
