package io.etcetera.server;

import com.google.protobuf.InvalidProtocolBufferException;

import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcetera.server.pb.MemberAttributes;
import io.etcetera.server.pb.RaftRequest;

import org.jboss.logging.Logger;

import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The server loop (etcd's {@code EtcdServer.run}): one thread that waits on its events, as etcd's
 * {@code select} does, and acts on each:
 *
 * <ul>
 *   <li>an apply batch from the raft loop: scheduled on the FIFO apply thread, in order;
 *   <li>leases the lessor found expired: each revoked through Raft;
 *   <li>a fatal error, or stop: it leaves the loop and runs the shutdown it was given.
 * </ul>
 *
 * Between events, every heartbeat interval, it expires requests past their deadline, resends or
 * times out the read-index round, and publishes this member's attributes until they are applied.
 *
 * <p>Thread: {@code server-loop}. Other threads only offer events (a bounded queue) or report a
 * fatal error (also when the queue is full: the error is kept in a field the loop checks).
 */
final class ServerLoop implements Runnable {

    /** Events waiting at most; the raft loop waits for room (with a timeout) when it is full. */
    static final int EVENTS_MAX = 1024;

    private static final Logger LOG = Logger.getLogger(ServerLoop.class);

    private final ArrayBlockingQueue<ServerEvent> events = new ArrayBlockingQueue<>(EVENTS_MAX);
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private volatile boolean stopRequested;

    private final FifoScheduler applyScheduler;
    private final Applier applier;
    private final WaitRegistry waits;
    private final ReadIndexBatcher reads;
    private final Proposals proposals;
    private final ReadyHandler readyHandler;
    private final InstantSource clock;
    private final long sweepMillis;
    private final MemberAttributes attributes;
    /** Runs when the loop ends, with the fatal error or null on a clean stop. */
    private final Consumer<Throwable> shutdown;

    private CompletableFuture<Object> publishing;
    private boolean published;

    ServerLoop(FifoScheduler applyScheduler, Applier applier, WaitRegistry waits,
            ReadIndexBatcher reads, Proposals proposals, ReadyHandler readyHandler,
            InstantSource clock, long sweepMillis, MemberAttributes attributes,
            Consumer<Throwable> shutdown) {
        this.applyScheduler = applyScheduler;
        this.applier = applier;
        this.waits = waits;
        this.reads = reads;
        this.proposals = proposals;
        this.readyHandler = readyHandler;
        this.clock = clock;
        this.sweepMillis = sweepMillis;
        this.attributes = attributes;
        this.shutdown = shutdown;
    }

    /** Raft loop: hands over one Ready's committed entries, waiting up to {@code waitMillis}. */
    boolean offerApply(ServerEvent.Apply apply, long waitMillis) throws InterruptedException {
        return events.offer(apply, waitMillis, TimeUnit.MILLISECONDS);
    }

    /** The lessor's seam: leases past their TTL, to revoke; false if the queue is full. */
    boolean offerExpiredLeases(long[] leaseIds) {
        return events.offer(new ServerEvent.LeasesExpired(leaseIds.clone()));
    }

    /** Any thread: the member cannot go on. The first error wins. */
    void fatal(Throwable error) {
        if (fatal.compareAndSet(null, error)) {
            events.offer(new ServerEvent.Fatal(error));
        }
    }

    /** Any thread: stop the member. */
    void requestStop() {
        stopRequested = true;
        events.offer(new ServerEvent.Stop());
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fatal(e);
        }
        shutdown.accept(fatal.get());
    }

    private void loop() throws InterruptedException {
        long nextSweepMillis = clock.millis();
        while (fatal.get() == null && !stopRequested) {
            ServerEvent event = events.poll(
                    Math.max(1, nextSweepMillis - clock.millis()), TimeUnit.MILLISECONDS);
            if (event instanceof ServerEvent.Apply apply) {
                if (!applyScheduler.schedule(() -> applyOrFail(apply))) {
                    return; // the apply thread failed: its error is reported
                }
            } else if (event instanceof ServerEvent.LeasesExpired expired) {
                revoke(expired.leaseIds());
            } else if (event != null) {
                return; // Fatal or Stop: the fields the loop condition reads are set
            }
            long now = clock.millis();
            if (now >= nextSweepMillis) {
                sweep(now);
                nextSweepMillis = now + sweepMillis;
            }
        }
    }

    private void applyOrFail(ServerEvent.Apply apply) {
        try {
            applier.apply(apply);
        } catch (InvalidProtocolBufferException e) {
            throw new UncheckedIOException("a committed entry does not parse", e);
        }
    }

    private void revoke(long[] leaseIds) {
        for (long leaseId : leaseIds) {
            proposals.propose(RaftRequest.newBuilder()
                    .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(leaseId)))
                    .whenComplete((result, failure) -> {
                        if (failure != null) {
                            LOG.warnf("revoking expired lease %x failed: %s", leaseId, failure);
                        }
                    });
        }
    }

    private void sweep(long now) {
        waits.expire(now, this::timeoutFor);
        reads.sweep();
        readyHandler.sweep(now);
        maybePublish();
    }

    /**
     * etcd's {@code parseProposeCtxErr}: a request that started within two election timeouts
     * before the current leader was elected probably timed out because the previous leader failed.
     */
    private RuntimeException timeoutFor(long startMillis) {
        long elected = readyHandler.leaderElectedMillis();
        long previousLeaderLost = elected - 2 * readyHandler.electionTimeoutMillis();
        boolean aroundElection = startMillis > previousLeaderLost && startMillis < elected;
        return RequestFailedException.of(aroundElection
                ? RequestFailedException.Reason.TIMEOUT_DUE_TO_LEADER_FAIL
                : RequestFailedException.Reason.TIMEOUT);
    }

    /** etcd's {@code publish}: this member's name and client URLs, through Raft, once. */
    private void maybePublish() {
        if (published || readyHandler.leaderId() == 0
                || (publishing != null && !publishing.isDone())) {
            return;
        }
        if (publishing != null && !publishing.isCompletedExceptionally()) {
            published = true;
            LOG.infof("published member %x's attributes (name %s, client URLs %s)",
                    attributes.getMemberId(), attributes.getName(), attributes.getClientUrlsList());
            return;
        }
        publishing = proposals.propose(RaftRequest.newBuilder().setMemberAttributes(attributes));
    }
}
