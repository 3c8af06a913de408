package io.etcetera.server;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcetera.lease.LeaseExpiredException;
import io.etcetera.lease.LeaseNotFoundException;
import io.etcetera.lease.Lessor;
import io.etcetera.lease.NotPrimaryException;
import io.etcetera.lease.Renewal;
import io.etcetera.mvcc.BackendQuota;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.RaftRequest;

import com.google.protobuf.ByteString;

import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The lease requests of a member (etcd's {@code Lessor} half of {@code EtcdServer}): grants and
 * revokes go through Raft; renewals (KeepAlive) and TimeToLive are answered by the leader's
 * lessor; Leases by this member's own lessor, as etcd's are (every member holds every lease).
 * Every response carries this member's header. A grant that would take the backend past its quota
 * is refused with {@code NO_SPACE} ({@link QuotaGate}), as the applied NOSPACE alarm refuses it.
 *
 * <p>Renewals and TimeToLive go where the leader is ({@link LeaderRoute}): a member that leads
 * answers them once it has applied its term's first entry, which promotes its lessor (it waits
 * for that without blocking); a member that knows no leader waits for one, up to the request
 * timeout, as etcd does; a member that knows another leader forwards them to it over the peer
 * URLs ({@link LeasePeerClient}, served by {@link LeasePeerService}), as etcd's followers do,
 * and asks the new leader if leadership moved. The leader's answer is passed on with this
 * member's header: an unknown lease renews to TTL 0 and has TTL -1.
 *
 * <p>Thread-safe and non-blocking: every method returns at once, with a future that completes on
 * the thread that produced the result (the apply thread for proposals, a gRPC thread for
 * forwarded requests).
 */
public final class Leases {

    private static final Logger LOG = Logger.getLogger(Leases.class);

    private final Lessor lessor;
    private final Proposals proposals;
    private final RequestIds ids;
    private final StoreReads store;
    private final Headers headers;
    private final ReadyHandler readyHandler;
    private final ReadIndexBatcher reads;
    private final AppliedIndex applied;
    private final QuotaGate quota;
    private final LeaderRoute route;
    private final LeasePeerClient leader;

    Leases(Lessor lessor, Proposals proposals, RequestIds ids, StoreReads store, Headers headers,
            ReadyHandler readyHandler, ReadIndexBatcher reads, AppliedIndex applied,
            QuotaGate quota, LeaderRoute route, LeasePeerClient leader) {
        this.lessor = lessor;
        this.proposals = proposals;
        this.ids = ids;
        this.store = store;
        this.headers = headers;
        this.readyHandler = readyHandler;
        this.reads = reads;
        this.applied = applied;
        this.quota = quota;
        this.route = route;
        this.leader = leader;
    }

    /** etcd's LeaseGrant: a request without an ID gets one chosen here, before proposing. */
    public CompletableFuture<LeaseGrantResponse> grant(LeaseGrantRequest request) {
        if (!quota.admit(BackendQuota.LEASE_OVERHEAD_BYTES)) {
            return CompletableFuture.failedFuture(RequestFailedException.of(Reason.NO_SPACE));
        }
        LeaseGrantRequest withId = request.getID() != Lessor.NO_LEASE ? request
                : request.toBuilder().setID(Lessor.chooseId(ids::next)).build();
        return proposals.propose(RaftRequest.newBuilder().setLeaseGrant(withId))
                .thenApply(result -> {
                    LeaseGrantResponse response = (LeaseGrantResponse) result;
                    return response.toBuilder().setHeader(headers.fill(response.getHeader()))
                            .build();
                });
    }

    /** etcd's LeaseRevoke: the lease and every key attached to it go, at one revision. */
    public CompletableFuture<LeaseRevokeResponse> revoke(LeaseRevokeRequest request) {
        return proposals.propose(RaftRequest.newBuilder().setLeaseRevoke(request))
                .thenApply(result -> {
                    LeaseRevokeResponse response = (LeaseRevokeResponse) result;
                    return response.toBuilder().setHeader(headers.fill(response.getHeader()))
                            .build();
                });
    }

    /**
     * One KeepAlive request: renews the lease for its full TTL at the leader. A lease that does
     * not exist, or expired and is being revoked, answers TTL 0, as in etcd.
     */
    public CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId) {
        return route.route(() -> keepAlive(leaseId, true),
                (peerUrl, leftMillis) -> leader.renew(peerUrl, leaseId, leftMillis)
                        .thenApply(response -> response.toBuilder()
                                .setHeader(headers.current()).build()));
    }

    /**
     * A renewal another member forwarded to this one as the leader: answered here once what was
     * committed when it arrived is applied (so a lease granted through that member is known,
     * as etcd's leader waits for its applied index), or refused with {@code NOT_LEADER}.
     */
    CompletableFuture<LeaseKeepAliveResponse> keepAliveAsLeader(long leaseId) {
        return afterCommitted(() -> keepAlive(leaseId, true));
    }

    private CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId, boolean mayWait) {
        Renewal renewal;
        try {
            renewal = lessor.renew(leaseId);
        } catch (LeaseNotFoundException gone) {
            return CompletableFuture.completedFuture(keepAliveResponse(leaseId, 0));
        } catch (LeaseExpiredException expired) {
            return expired.settled().handle((revoked, demoted) -> {
                if (demoted != null) {
                    throw notPrimary();
                }
                return keepAliveResponse(leaseId, 0);
            });
        } catch (NotPrimaryException follower) {
            return mayWait ? afterPromotion(() -> keepAlive(leaseId, false))
                    : CompletableFuture.failedFuture(notPrimary());
        }
        LeaseKeepAliveResponse response = keepAliveResponse(leaseId, renewal.ttlSeconds());
        if (renewal.checkpointReset().isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        // The renewed lease must not restart from its old checkpoint under a later leader: the
        // reset is applied before the client hears of the renewal, as etcd does.
        return proposals.propose(RaftRequest.newBuilder()
                .setLeaseCheckpoint(renewal.checkpointReset().get()))
                .handle((applied, failure) -> {
                    if (failure != null) {
                        LOG.debugf("checkpoint reset of lease %x failed: %s", leaseId, failure);
                    }
                    return response;
                });
    }

    /**
     * etcd's LeaseTimeToLive, answered at the leader: granted and remaining TTL, and the attached
     * keys when asked; an unknown lease answers TTL -1.
     */
    public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request) {
        return route.route(() -> timeToLive(request, true),
                (peerUrl, leftMillis) -> leader.timeToLive(peerUrl, request, leftMillis)
                        .thenApply(response -> response.toBuilder()
                                .setHeader(headers.current()).build()));
    }

    /** A TimeToLive forwarded to this member as the leader: as {@link #keepAliveAsLeader}. */
    CompletableFuture<LeaseTimeToLiveResponse> timeToLiveAsLeader(LeaseTimeToLiveRequest request) {
        return afterCommitted(() -> timeToLive(request, true));
    }

    private CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request,
            boolean mayWait) {
        io.etcetera.lease.LeaseStatus status;
        try {
            status = lessor.timeToLive(request.getID());
        } catch (LeaseNotFoundException gone) {
            return CompletableFuture.completedFuture(LeaseTimeToLiveResponse.newBuilder()
                    .setHeader(headers.current()).setID(request.getID()).setTTL(-1).build());
        } catch (NotPrimaryException follower) {
            return mayWait ? afterPromotion(() -> timeToLive(request, false))
                    : CompletableFuture.failedFuture(notPrimary());
        }
        LeaseTimeToLiveResponse.Builder response = LeaseTimeToLiveResponse.newBuilder()
                .setID(request.getID()).setTTL(status.remainingTtlSeconds())
                .setGrantedTTL(status.grantedTtlSeconds());
        try {
            if (request.getKeys()) {
                List<ByteString> keys = store.read(view -> view.leaseKeys(request.getID()));
                response.addAllKeys(keys);
            }
        } catch (RequestFailedException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        return CompletableFuture.completedFuture(response.setHeader(headers.current()).build());
    }

    /**
     * etcd's LeaseLeases, from this member's lessor: every granted lease's ID, soonest expiry
     * first on the leader, by ID elsewhere (see {@link Lessor#leases()}), and the header.
     */
    public LeaseList leases() {
        return new LeaseList(headers.current(), lessor.leases());
    }

    /**
     * What LeaseLeases answers (the api words it: jetcd's protobuf classes lack the message).
     *
     * @param header the member's response header
     * @param ids every granted lease, in {@link Lessor#leases()}'s order
     */
    public record LeaseList(ResponseHeader header, long[] ids) {}

    private LeaseKeepAliveResponse keepAliveResponse(long leaseId, long ttlSeconds) {
        return LeaseKeepAliveResponse.newBuilder().setHeader(headers.current()).setID(leaseId)
                .setTTL(ttlSeconds).build();
    }

    /**
     * Runs {@code retry} once this member's lessor is primary, if this member leads: a read round
     * completes only once the entries of its term are applied, and applying the first of them
     * promotes the lessor. A member that does not lead fails at once with {@code NOT_LEADER} or
     * {@code NO_LEADER}: the {@link LeaderRoute} then asks the leader, or waits for one.
     */
    private <T> CompletableFuture<T> afterPromotion(Supplier<CompletableFuture<T>> retry) {
        if (!readyHandler.isLeader()) {
            return CompletableFuture.failedFuture(notPrimary());
        }
        return reads.barrier().thenCompose(applied -> retry.get());
    }

    /**
     * Runs {@code answer} once this member has applied what it had committed when called; off the
     * apply thread when it had to wait (a TimeToLive may read the lease's keys).
     */
    private <T> CompletableFuture<T> afterCommitted(Supplier<CompletableFuture<T>> answer) {
        CompletableFuture<Void> caughtUp = applied.await(readyHandler.committedIndex());
        return caughtUp.isDone() ? caughtUp.thenCompose(done -> answer.get())
                : caughtUp.thenComposeAsync(done -> answer.get());
    }

    private RequestFailedException notPrimary() {
        return RequestFailedException.of(
                readyHandler.leaderId() == 0 ? Reason.NO_LEADER : Reason.NOT_LEADER);
    }
}
