package io.etcetera.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The raft loop's one bounded inbox: every other thread reaches the Raft engine only by offering
 * an event here. A full inbox refuses ({@link #offer} returns false) rather than blocks, so no
 * caller ever waits for the raft loop; clients then get {@code too many requests}.
 *
 * <p>Invariant: at most {@link #EVENTS_MAX} events wait. Thread-safe.
 */
final class RaftInbox {

    /** Events waiting at most: a few Ready cycles' worth of proposals at full load. */
    static final int EVENTS_MAX = 1 << 14;

    private final ArrayBlockingQueue<RaftEvent> events = new ArrayBlockingQueue<>(EVENTS_MAX);

    /** Queues {@code event}; false when the inbox is full. Any thread. */
    boolean offer(RaftEvent event) {
        return events.offer(event);
    }

    /** The next event, or null. Raft loop. */
    RaftEvent poll() {
        return events.poll();
    }

    /** The next event, waiting up to {@code waitMillis}; null if none came. Raft loop. */
    RaftEvent poll(long waitMillis) throws InterruptedException {
        return events.poll(waitMillis, TimeUnit.MILLISECONDS);
    }
}
