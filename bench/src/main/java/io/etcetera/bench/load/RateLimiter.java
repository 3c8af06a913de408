package io.etcetera.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Spaces requests {@code 1 / rate} seconds apart, as etcd's benchmark does with a token bucket of
 * burst 1: each reservation takes the next free slot, at the earliest now, and says how long the
 * caller must wait for it. A rate of 0 means no limit.
 *
 * <p>Time is passed in (nanoseconds from {@link System#nanoTime}), so tests drive it. Thread-safe,
 * lock-free. Invariant: slots handed out are strictly increasing, one interval apart or more.
 */
public final class RateLimiter {
    private static final double NANOS_PER_SECOND = 1e9;

    private final long intervalNanos;
    /** The earliest time the next reservation may be sent; Long.MIN_VALUE before the first. */
    private final AtomicLong nextSlotNanos = new AtomicLong(Long.MIN_VALUE);

    private RateLimiter(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** A limiter of {@code requestsPerSecond}; 0 means unlimited. */
    public static RateLimiter perSecond(double requestsPerSecond) {
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException("rate must be >= 0, got " + requestsPerSecond);
        }
        return new RateLimiter(requestsPerSecond == 0
                ? 0 : Math.max(1, Math.round(NANOS_PER_SECOND / requestsPerSecond)));
    }

    /** Reserves the next slot and returns how many nanoseconds after {@code nowNanos} it is. */
    public long reserveNanos(long nowNanos) {
        if (intervalNanos == 0) {
            return 0;
        }
        while (true) {
            long next = nextSlotNanos.get();
            long slot = next == Long.MIN_VALUE || next - nowNanos < 0 ? nowNanos : next;
            if (nextSlotNanos.compareAndSet(next, slot + intervalNanos)) {
                return slot - nowNanos;
            }
        }
    }
}
