package io.etcetera.raft.tracker;

import io.etcetera.invariants.Invariants;
import java.util.Arrays;

/**
 * The window of append messages sent to one follower and not yet acknowledged, bounded both by
 * count ({@code countMax}) and by payload bytes ({@code bytesMax}).
 *
 * <p>A ring buffer of (last index in the message, payload bytes of the message), oldest first. It
 * grows lazily up to {@code countMax} slots, so a generous limit costs nothing until used.
 * Invariants: {@code 0 <= count <= countMax}; the indexes in the window strictly increase;
 * {@code bytes} is the sum of the bytes in the window. Confined to the raft thread.
 */
public final class Inflights {

    private final int countMax;
    private final long bytesMax;

    /** Position of the oldest message in the ring. */
    private int start;
    private int count;
    /** Payload bytes of all messages in the window. */
    private long bytes;
    private long[] lastIndexes = new long[0];
    private long[] messageBytes = new long[0];

    /**
     * @param countMax at most this many messages in flight; at least 1
     * @param bytesMax the window is full once this many payload bytes are in flight; at least 1
     */
    public Inflights(int countMax, long bytesMax) {
        Invariants.check(countMax > 0, "inflight count max %d must be positive", countMax);
        Invariants.check(bytesMax > 0, "inflight bytes max %d must be positive", bytesMax);
        this.countMax = countMax;
        this.bytesMax = bytesMax;
    }

    /** An independent copy with the same limits and contents. */
    public Inflights copy() {
        Inflights copy = new Inflights(countMax, bytesMax);
        copy.start = start;
        copy.count = count;
        copy.bytes = bytes;
        copy.lastIndexes = lastIndexes.clone();
        copy.messageBytes = messageBytes.clone();
        return copy;
    }

    /** Records a message whose last entry has {@code lastIndex}, carrying {@code payloadBytes}. */
    public void add(long lastIndex, long payloadBytes) {
        Invariants.check(!full(), "add to full inflights (count %d, bytes %d)", count, bytes);
        if (count > 0) {
            long newest = lastIndexes[slot(count - 1)];
            Invariants.check(lastIndex > newest, "inflight index %d not above newest %d",
                    lastIndex, newest);
        }
        if (count == lastIndexes.length) {
            grow();
        }
        int next = slot(count);
        lastIndexes[next] = lastIndex;
        messageBytes[next] = payloadBytes;
        count++;
        bytes += payloadBytes;
    }

    /** Frees every message whose last index is at most {@code index}: the follower has it. */
    public void freeLE(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= messageBytes[start];
            start = (start + 1) % lastIndexes.length;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    /** True when no further message may be sent: the count or the byte limit is reached. */
    public boolean full() {
        return count == countMax || bytes >= bytesMax;
    }

    public int count() {
        return count;
    }

    public long bytes() {
        return bytes;
    }

    /** Empties the window (the follower's state changed; nothing in flight is trusted any more). */
    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }

    private int slot(int offset) {
        return (start + offset) % lastIndexes.length;
    }

    /** Doubles the ring (at most to countMax), unrolling it so the oldest entry is at slot 0. */
    private void grow() {
        int capacity = (int) Math.min((long) countMax, Math.max(1L, 2L * lastIndexes.length));
        long[] indexes = new long[capacity];
        long[] sizes = new long[capacity];
        for (int i = 0; i < count; i++) {
            indexes[i] = lastIndexes[slot(i)];
            sizes[i] = messageBytes[slot(i)];
        }
        lastIndexes = indexes;
        messageBytes = sizes;
        start = 0;
    }

    @Override
    public String toString() {
        long[] window = new long[count];
        for (int i = 0; i < count; i++) {
            window[i] = lastIndexes[slot(i)];
        }
        return "Inflights" + Arrays.toString(window) + " bytes=" + bytes;
    }
}
