package io.etcetera.server;

import com.google.protobuf.ByteString;

import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.RaftRequest;

import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;

/**
 * Proposes client requests through Raft (etcd's {@code processInternalRaftRequestOnce}): refuses
 * when applying lags committing by more than {@link #APPLY_GAP_MAX} entries, gives the request an
 * ID, refuses it if its encoding exceeds {@code --max-request-bytes}, registers its waiter and
 * offers it to the raft loop. The returned future completes with the request's applied result.
 *
 * <p>Thread-safe and non-blocking: called on gRPC I/O threads.
 */
final class Proposals {

    /** etcd's {@code maxGapBetweenApplyAndCommitIndex}. */
    static final long APPLY_GAP_MAX = 5000;

    private final RaftInbox raft;
    private final WaitRegistry waits;
    private final RequestIds ids;
    private final AppliedIndex applied;
    private final ReadyHandler readyHandler;
    private final InstantSource clock;
    private final long maxRequestBytes;
    private volatile boolean stopping;

    Proposals(RaftInbox raft, WaitRegistry waits, RequestIds ids, AppliedIndex applied,
            ReadyHandler readyHandler, InstantSource clock, long maxRequestBytes) {
        this.raft = raft;
        this.waits = waits;
        this.ids = ids;
        this.applied = applied;
        this.readyHandler = readyHandler;
        this.clock = clock;
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * Proposes {@code request} (its ID is set here); the future completes with the response the
     * apply thread produced, or fails with a {@link RequestFailedException}.
     */
    CompletableFuture<Object> propose(RaftRequest.Builder request) {
        if (stopping) {
            return failed(Reason.STOPPED);
        }
        if (readyHandler.committedIndex() > applied.index() + APPLY_GAP_MAX) {
            return failed(Reason.TOO_MANY_REQUESTS);
        }
        long id = ids.next();
        ByteString data = request.setId(id).build().toByteString();
        if (data.size() > maxRequestBytes) {
            return failed(Reason.REQUEST_TOO_LARGE);
        }
        CompletableFuture<Object> result;
        try {
            result = waits.register(id, clock.millis());
        } catch (RequestFailedException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        if (!raft.offer(new RaftEvent.Propose(id, data))) {
            waits.fail(id, RequestFailedException.of(Reason.TOO_MANY_REQUESTS));
        }
        return result;
    }

    /** From now on every proposal fails with {@code server stopped}. */
    void stop() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }

    private static CompletableFuture<Object> failed(Reason reason) {
        return CompletableFuture.failedFuture(RequestFailedException.of(reason));
    }
}
