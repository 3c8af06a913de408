package io.etcetera.server;

import io.etcetera.server.RequestFailedException.Reason;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongFunction;

/**
 * The requests proposed through Raft and waiting for their entries to be applied, by request ID
 * (etcd's {@code wait.Wait}), each with the deadline etcd gives it ({@code ReqTimeout}).
 *
 * <p>The apply thread completes a request with its result ({@link #trigger}); the raft loop fails
 * one Raft refused; the server loop expires those past their deadline ({@link #expire}) and fails
 * them all on stop. Since every request gets the same timeout, deadlines expire in registration
 * order and sit in a FIFO queue: expiring costs nothing per waiting request.
 *
 * <p>Invariant: at most {@link #PENDING_MAX} requests wait; more are refused with {@code too many
 * requests}. Thread-safe, lock-free.
 */
final class WaitRegistry {

    /** Requests waiting at once; etcd bounds them by its proposal gap, we also by count. */
    static final int PENDING_MAX = 1 << 17;

    /** When a request was registered and when it times out. */
    private record Deadline(long id, long startMillis, long deadlineMillis) {}

    private final ConcurrentHashMap<Long, CompletableFuture<Object>> pending =
            new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Deadline> deadlines = new ConcurrentLinkedQueue<>();
    private final long timeoutMillis;

    WaitRegistry(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Registers request {@code id} at {@code nowMillis}; the future completes with the applied
     * result (a response message) or fails with a {@link RequestFailedException}.
     *
     * @throws RequestFailedException {@code TOO_MANY_REQUESTS} when {@link #PENDING_MAX} wait
     */
    CompletableFuture<Object> register(long id, long nowMillis) {
        if (pending.size() >= PENDING_MAX) {
            throw RequestFailedException.of(Reason.TOO_MANY_REQUESTS);
        }
        CompletableFuture<Object> future = new CompletableFuture<>();
        pending.put(id, future);
        deadlines.add(new Deadline(id, nowMillis, nowMillis + timeoutMillis));
        return future;
    }

    /** Completes request {@code id} with {@code result}; a request nobody waits for is ignored. */
    void trigger(long id, Object result) {
        CompletableFuture<Object> future = pending.remove(id);
        if (future != null) {
            future.complete(result);
        }
    }

    /** Fails request {@code id}; a request nobody waits for is ignored. */
    void fail(long id, RuntimeException failure) {
        CompletableFuture<Object> future = pending.remove(id);
        if (future != null) {
            future.completeExceptionally(failure);
        }
    }

    /**
     * Fails every request whose deadline passed by {@code nowMillis} with the timeout {@code
     * timeoutFor} gives for its start time (etcd tells a timeout around a leader change apart).
     */
    void expire(long nowMillis, LongFunction<RuntimeException> timeoutFor) {
        Deadline head;
        while ((head = deadlines.peek()) != null && head.deadlineMillis() <= nowMillis) {
            deadlines.poll();
            fail(head.id(), timeoutFor.apply(head.startMillis()));
        }
        while ((head = deadlines.peek()) != null && !pending.containsKey(head.id())) {
            deadlines.poll(); // already answered: forget its deadline early
        }
    }

    /** Fails every waiting request, e.g. with {@code STOPPED}. */
    void failAll(RuntimeException failure) {
        for (Long id : pending.keySet()) {
            fail(id, failure);
        }
        deadlines.clear();
    }

    /** Whether request {@code id} still waits for its result. */
    boolean isWaiting(long id) {
        return pending.containsKey(id);
    }

    /** Requests waiting now. */
    int size() {
        return pending.size();
    }
}
