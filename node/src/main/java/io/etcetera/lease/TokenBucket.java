package io.etcetera.lease;

import io.etcetera.invariants.Invariants;

/**
 * A token bucket on the lessor's clock: it refills at {@code ratePerSecond} tokens a second and
 * holds at most {@code burstMax}. It bounds how many expired leases, and how many checkpoints, the
 * leader hands to the server per second, as etcd's {@code leaseRevokeRate} does, so that a pile of
 * leases expiring together (after a restart or a clock jump) becomes a steady stream of proposals.
 *
 * <p>Invariant: {@code 0 <= creditNanos <= burstMax × nanosPerToken}. Starts full. A clock that
 * goes back adds nothing. Not thread-safe: guarded by the lessor's lock.
 */
final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long nanosPerToken;
    private final long creditNanosMax;

    /** Refill time saved up, in nanoseconds; one token is {@link #nanosPerToken} of it. */
    private long creditNanos;

    private long refilledAtNanos;

    TokenBucket(int ratePerSecond, int burstMax, long nowNanos) {
        Invariants.check(
                ratePerSecond > 0 && burstMax > 0, "rate %d/s, burst %d", ratePerSecond, burstMax);
        this.nanosPerToken = Math.max(1, NANOS_PER_SECOND / ratePerSecond);
        this.creditNanosMax = burstMax * nanosPerToken;
        this.creditNanos = creditNanosMax;
        this.refilledAtNanos = nowNanos;
    }

    /** How many tokens may be taken at {@code nowNanos}. */
    long available(long nowNanos) {
        if (nowNanos > refilledAtNanos) {
            long elapsed = Math.min(nowNanos - refilledAtNanos, creditNanosMax);
            creditNanos = Math.min(creditNanosMax, creditNanos + elapsed);
            refilledAtNanos = nowNanos;
        }
        return creditNanos / nanosPerToken;
    }

    /** Takes {@code count} tokens; no more than {@link #available} just returned. */
    void take(long count) {
        Invariants.check(
                count >= 0 && count * nanosPerToken <= creditNanos,
                "taking %d tokens with %d available",
                count,
                creditNanos / nanosPerToken);
        creditNanos -= count * nanosPerToken;
    }
}
