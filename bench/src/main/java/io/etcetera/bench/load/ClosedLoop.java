package io.etcetera.bench.load;

import io.etcetera.bench.report.LatencyRecorder;
import io.etcetera.bench.report.ProgressBar;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * etcd's benchmark loop: {@code clientCount} clients share {@code requestTotal} requests, each
 * client keeping exactly one request in flight, optionally paced by a rate limiter, until all are
 * done or {@code durationMax} has passed (then no new request starts; those in flight finish).
 *
 * <p>Clients have no threads: a client sends its next request from the callback that completed
 * the previous one (a Netty event-loop thread), or from the "bench-pacer" thread when the rate
 * limiter delays it. A request that completes before its {@code start} call returns does not
 * recurse: the issuing call sees it and loops (a trampoline), so the stack stays flat even if
 * every request fails at once.
 *
 * <p>Invariants: requests started ≤ requestTotal; each client has at most one request in flight.
 * {@link #run} runs once, on the caller's thread, and returns when every client has finished or
 * {@link #GRACE_AFTER_DEADLINE} after the deadline.
 */
public final class ClosedLoop {
    /** How long requests still in flight at the deadline may take before the run gives up. */
    public static final Duration GRACE_AFTER_DEADLINE = Duration.ofSeconds(30);

    private static final int IDLE = 0;
    private static final int ISSUING = 1;
    private static final int COMPLETED_INLINE = 2;
    private static final int AWAITING = 3;

    private final int clientCount;
    private final long requestTotal;
    private final RateLimiter limiter;
    private final Duration durationMax;
    private final AtomicLong issued = new AtomicLong();
    private final LongAdder completed = new LongAdder();
    private final AtomicReference<Throwable> operationFailure = new AtomicReference<>();
    private final List<String> warnings = new ArrayList<>();
    // Set once by run() before any client starts; the threads that complete requests see them
    // through the hand-off (gRPC's queues, the pacer's) that gave them their work.
    private CountDownLatch clientsRunning;
    private ScheduledThreadPoolExecutor pacer;
    private Operation operation;
    private long deadlineNanos;

    /**
     * A loop of {@code requestTotal} requests over {@code clientCount} clients; a null
     * {@code durationMax} means no time limit.
     */
    public ClosedLoop(
            int clientCount, long requestTotal, RateLimiter limiter, Duration durationMax) {
        if (clientCount < 1 || requestTotal < 0) {
            throw new IllegalArgumentException("need clients >= 1 and total >= 0, got "
                    + clientCount + " and " + requestTotal);
        }
        this.clientCount = clientCount;
        this.requestTotal = requestTotal;
        this.limiter = limiter;
        this.durationMax = durationMax;
    }

    /** Runs the loop with a progress bar on {@code progressOut}; see {@link #run}. */
    public void runWithProgress(String label, Operation operation, PrintWriter progressOut,
            LatencyRecorder... recorders) throws InterruptedException {
        try (ProgressBar bar =
                ProgressBar.start(label, requestTotal, completed::sum, progressOut)) {
            run(operation, recorders);
        }
    }

    /**
     * Starts the recorders, runs every client until the requests are used up or the deadline
     * passed, and returns when all have finished (or the grace period is over, which adds a
     * warning).
     *
     * @throws IllegalStateException if the operation threw instead of completing a request
     */
    public void run(Operation operation, LatencyRecorder... recorders)
            throws InterruptedException {
        if (this.operation != null) {
            throw new IllegalStateException("a closed loop runs once");
        }
        this.operation = operation;
        this.clientsRunning = new CountDownLatch(clientCount);
        this.pacer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "bench-pacer");
            thread.setDaemon(true);
            return thread;
        });
        long startNanos = System.nanoTime();
        for (LatencyRecorder recorder : recorders) {
            recorder.start(startNanos);
        }
        deadlineNanos = durationMax == null ? Long.MAX_VALUE : startNanos + durationMax.toNanos();
        try {
            for (int i = 0; i < clientCount; i++) {
                new Client(i).drive();
            }
            awaitClients();
        } finally {
            pacer.shutdownNow();
        }
        Throwable failure = operationFailure.get();
        if (failure != null) {
            throw new IllegalStateException("benchmark operation failed: " + failure, failure);
        }
    }

    private void awaitClients() throws InterruptedException {
        if (durationMax == null) {
            clientsRunning.await();
            return;
        }
        long waitNanos = deadlineNanos - System.nanoTime() + GRACE_AFTER_DEADLINE.toNanos();
        if (!clientsRunning.await(waitNanos, TimeUnit.NANOSECONDS)) {
            warnings.add(clientsRunning.getCount() + " requests got no response within "
                    + GRACE_AFTER_DEADLINE.toSeconds() + " s after --max-duration");
        }
    }

    /** Requests completed so far (successes and errors). */
    public long completedCount() {
        return completed.sum();
    }

    /** What made the run incomplete, if anything; empty after a complete run. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Claims the next request number, or -1 when none is left or time is up. */
    private long claimSequence() {
        if (operationFailure.get() != null || System.nanoTime() - deadlineNanos >= 0) {
            return -1;
        }
        long sequence = issued.getAndIncrement();
        return sequence < requestTotal ? sequence : -1;
    }

    /** One client: a chain of requests, one in flight at a time. Thread-safe by its phase. */
    final class Client {
        private final int index;
        /** IDLE → ISSUING → (AWAITING | COMPLETED_INLINE) → ISSUING ...; see drive(). */
        private final AtomicInteger phase = new AtomicInteger(IDLE);

        Client(int index) {
            this.index = index;
        }

        /** Sends requests until one is in flight asynchronously, or none is left. */
        void drive() {
            while (true) {
                long sequence = claimSequence();
                if (sequence < 0) {
                    clientsRunning.countDown();
                    return;
                }
                long delayNanos = limiter.reserveNanos(System.nanoTime());
                if (delayNanos > 0) {
                    pacer.schedule(
                            () -> issueThenDrive(sequence), delayNanos, TimeUnit.NANOSECONDS);
                    return;
                }
                if (!issueCompletedInline(sequence)) {
                    return;
                }
            }
        }

        private void issueThenDrive(long sequence) {
            if (issueCompletedInline(sequence)) {
                drive();
            }
        }

        /** Starts one request; true if it already completed, so the caller sends the next one. */
        private boolean issueCompletedInline(long sequence) {
            phase.set(ISSUING);
            RequestCompletion completion = new RequestCompletion(this, System.nanoTime());
            try {
                operation.start(index, sequence, completion);
            } catch (RuntimeException | Error e) {
                operationFailure.compareAndSet(null, e);
                clientsRunning.countDown();
                return false;
            }
            return !phase.compareAndSet(ISSUING, AWAITING);
        }

        /** Called once per request, after it was recorded. */
        void onCompleted() {
            completed.increment();
            if (phase.compareAndSet(ISSUING, COMPLETED_INLINE)) {
                return;
            }
            drive();
        }
    }
}
