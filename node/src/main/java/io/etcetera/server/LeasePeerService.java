package io.etcetera.server;

import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcetera.server.pb.LeasePeerGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The {@code LeasePeer} service a member serves on its peer URLs: lease renewals and TimeToLive
 * requests that other members forward to it as the leader (etcd's {@code leasehttp} handler). It
 * answers them from its own lessor and never forwards them again; a member that does not lead
 * refuses with {@code NOT_LEADER}, so the caller asks the new leader. Runs on the transport's I/O
 * threads and never blocks. Immutable.
 */
final class LeasePeerService implements LeasePeerGrpc.AsyncService {

    private final Leases leases;

    LeasePeerService(Leases leases) {
        this.leases = leases;
    }

    @Override
    public void renew(LeaseKeepAliveRequest request,
            StreamObserver<LeaseKeepAliveResponse> observer) {
        PeerFailures.answer(leases.keepAliveAsLeader(request.getID()), observer);
    }

    @Override
    public void timeToLive(LeaseTimeToLiveRequest request,
            StreamObserver<LeaseTimeToLiveResponse> observer) {
        PeerFailures.answer(leases.timeToLiveAsLeader(request), observer);
    }
}
