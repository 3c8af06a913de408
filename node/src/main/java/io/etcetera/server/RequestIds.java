package io.etcetera.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Request IDs as etcd's {@code idutil.Generator} makes them: the low 16 bits of the member ID in
 * the top 16 bits, then 40 bits of the start time in milliseconds and an 8-bit counter, the last
 * 48 bits incremented together. IDs are unique per member across restarts as long as a member
 * issues fewer than 2^8 requests per millisecond on average since its start (as in etcd).
 *
 * <p>Thread-safe, lock-free: any thread may take the next ID.
 */
public final class RequestIds {

    private static final int TIME_BITS = 40;
    private static final int COUNTER_BITS = 8;
    private static final int SUFFIX_BITS = TIME_BITS + COUNTER_BITS;
    private static final long SUFFIX_MASK = (1L << SUFFIX_BITS) - 1;

    private final long prefix;
    private final AtomicLong suffix;

    /**
     * @param memberId this member's ID; its low 16 bits become the prefix
     * @param nowMillis the time of start, in milliseconds since the epoch
     */
    public RequestIds(long memberId, long nowMillis) {
        this.prefix = (memberId & 0xFFFF) << SUFFIX_BITS;
        this.suffix = new AtomicLong((nowMillis & ((1L << TIME_BITS) - 1)) << COUNTER_BITS);
    }

    /** The next ID; never 0. */
    public long next() {
        return prefix | (suffix.incrementAndGet() & SUFFIX_MASK);
    }
}
