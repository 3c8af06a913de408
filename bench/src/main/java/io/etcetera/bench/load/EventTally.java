package io.etcetera.bench.load;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts watch events as they arrive and lets the main thread wait until a number of them, known
 * only once the puts are done, has arrived.
 *
 * <p>Thread-safe: event threads call {@link #add}; the main thread calls {@link #awaitAtLeast}.
 * Event threads take the monitor only once the target is reached, so counting stays cheap.
 */
public final class EventTally {
    private final AtomicLong received = new AtomicLong();
    /** Long.MAX_VALUE until a waiter sets its target. */
    private volatile long target = Long.MAX_VALUE;

    /** One more event arrived. */
    public void add() {
        if (received.incrementAndGet() >= target) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Events so far. */
    public long receivedCount() {
        return received.get();
    }

    /** Waits until {@code expectedCount} events arrived or {@code waitMax} passed; true if so. */
    public synchronized boolean awaitAtLeast(long expectedCount, Duration waitMax)
            throws InterruptedException {
        target = expectedCount;
        long deadlineNanos = System.nanoTime() + waitMax.toNanos();
        while (received.get() < expectedCount) {
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos <= 0) {
                return false;
            }
            wait(Math.max(1, leftNanos / 1_000_000));
        }
        return true;
    }
}
