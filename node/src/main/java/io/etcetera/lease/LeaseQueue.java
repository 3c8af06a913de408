package io.etcetera.lease;

import io.etcetera.invariants.Invariants;

import java.util.Arrays;

/**
 * A binary min-heap of (time, lease ID) pairs ordered by time, then ID: the leader's expiry queue
 * and its checkpoint schedule (etcd's {@code LeaseQueue} and {@code LeaseExpiredNotifier}).
 *
 * <p>Deletion is lazy: a renewal pushes a new pair and leaves the old one in place, and a revoke
 * removes nothing. The {@link Lessor} recognises a stale pair when it reaches the head, because the
 * lease is gone or records a different time for that queue, and drops it. Stale pairs are bounded:
 * the lessor rebuilds a queue from its leases when the queue outgrows them (see {@link
 * Lessor}). Pairs are two parallel {@code long} arrays, so a push allocates nothing until the heap
 * grows.
 *
 * <p>Heap order: every parent's pair is less than or equal to its children's, which {@code
 * LeaseQueueTest} checks against {@link java.util.PriorityQueue}. Not thread-safe: guarded by
 * the lessor's lock.
 */
final class LeaseQueue {

    private static final int CAPACITY_INITIAL = 16;

    private long[] times = new long[CAPACITY_INITIAL];
    private long[] ids = new long[CAPACITY_INITIAL];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void push(long timeNanos, long id) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
        }
        int hole = size++;
        while (hole > 0) {
            int parent = (hole - 1) / 2;
            if (!less(timeNanos, id, times[parent], ids[parent])) {
                break;
            }
            move(parent, hole);
            hole = parent;
        }
        times[hole] = timeNanos;
        ids[hole] = id;
    }

    /** The earliest time in the queue; only when not empty. */
    long peekTime() {
        Invariants.check(size > 0, "peek on an empty lease queue");
        return times[0];
    }

    /** The lease ID of the earliest pair; only when not empty. */
    long peekId() {
        Invariants.check(size > 0, "peek on an empty lease queue");
        return ids[0];
    }

    /** Removes the earliest pair; only when not empty. */
    void pop() {
        Invariants.check(size > 0, "pop on an empty lease queue");
        size--;
        long time = times[size];
        long id = ids[size];
        int hole = 0;
        while (2 * hole + 1 < size) {
            int child = 2 * hole + 1;
            int right = child + 1;
            if (right < size && less(times[right], ids[right], times[child], ids[child])) {
                child = right;
            }
            if (!less(times[child], ids[child], time, id)) {
                break;
            }
            move(child, hole);
            hole = child;
        }
        times[hole] = time;
        ids[hole] = id;
    }

    /** Empties the queue and gives back memory a burst of renewals may have taken. */
    void clear() {
        size = 0;
        times = new long[CAPACITY_INITIAL];
        ids = new long[CAPACITY_INITIAL];
    }

    private void move(int from, int to) {
        times[to] = times[from];
        ids[to] = ids[from];
    }

    private static boolean less(long time, long id, long otherTime, long otherId) {
        return time < otherTime || (time == otherTime && id < otherId);
    }
}
