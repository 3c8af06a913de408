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
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.RaftRequest;

import com.google.protobuf.ByteString;

import org.jboss.logging.Logger;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The lease requests of a member (etcd's {@code Lessor} half of {@code EtcdServer}): grants and
 * revokes go through Raft; renewals (KeepAlive), TimeToLive and Leases are served by the leader's
 * lessor. Every response carries the member's header.
 *
 * <p>Renewals and TimeToLive need the leader's lessor. A member that leads, or knows no leader,
 * waits (up to the request timeout, without blocking) until it leads and has applied its term's
 * first entry, which promotes its lessor, as etcd waits for a leader; a member that knows another
 * leader answers {@code not leader}: forwarding to the leader, as etcd does, needs the
 * multi-member wiring.
 *
 * <p>Thread-safe and non-blocking: every method returns at once, with a future that completes on
 * the thread that produced the result (the apply thread for proposals).
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
    private final long memberId;
    private final InstantSource clock;
    private final long timeoutMillis;

    Leases(Lessor lessor, Proposals proposals, RequestIds ids, StoreReads store, Headers headers,
            ReadyHandler readyHandler, ReadIndexBatcher reads, long memberId, InstantSource clock,
            long timeoutMillis) {
        this.lessor = lessor;
        this.proposals = proposals;
        this.ids = ids;
        this.store = store;
        this.headers = headers;
        this.readyHandler = readyHandler;
        this.reads = reads;
        this.memberId = memberId;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
    }

    /** etcd's LeaseGrant: a request without an ID gets one chosen here, before proposing. */
    public CompletableFuture<LeaseGrantResponse> grant(LeaseGrantRequest request) {
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
     * One KeepAlive request: renews the lease for its full TTL on the leader. A lease that does
     * not exist, or expired and is being revoked, answers TTL 0, as in etcd.
     */
    public CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId) {
        return keepAlive(leaseId, true);
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
     * etcd's LeaseTimeToLive on the leader: granted and remaining TTL, and the attached keys when
     * asked; an unknown lease answers TTL -1.
     */
    public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request) {
        return timeToLive(request, true);
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

    /** etcd's LeaseLeases: every granted lease's ID, ascending, and the response header. */
    public LeaseList leases() {
        return new LeaseList(headers.current(), lessor.leases());
    }

    /**
     * What LeaseLeases answers (the api words it: jetcd's protobuf classes lack the message).
     *
     * @param header the member's response header
     * @param ids every granted lease, ascending
     */
    public record LeaseList(ResponseHeader header, long[] ids) {}

    private LeaseKeepAliveResponse keepAliveResponse(long leaseId, long ttlSeconds) {
        return LeaseKeepAliveResponse.newBuilder().setHeader(headers.current()).setID(leaseId)
                .setTTL(ttlSeconds).build();
    }

    /**
     * Runs {@code retry} once this member leads and its lessor is primary: after it is leader, a
     * read round completes only once the entries of its term are applied, and applying the first
     * of them promotes the lessor. Fails at once when another member leads, and with {@code
     * request timed out} when no leadership comes within the request timeout.
     */
    private <T> CompletableFuture<T> afterPromotion(Supplier<CompletableFuture<T>> retry) {
        long leader = readyHandler.leaderId();
        if (leader != 0 && leader != memberId) {
            return CompletableFuture.failedFuture(RequestFailedException.of(Reason.NOT_LEADER));
        }
        return readyHandler.awaitLeader(memberId, clock.millis(), timeoutMillis)
                .thenCompose(led -> reads.barrier())
                .thenCompose(applied -> retry.get());
    }

    private RequestFailedException notPrimary() {
        return RequestFailedException.of(
                readyHandler.leaderId() == 0 ? Reason.NO_LEADER : Reason.NOT_LEADER);
    }
}
