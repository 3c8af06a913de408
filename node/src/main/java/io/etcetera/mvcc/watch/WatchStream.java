package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.invariants.Invariants;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One client's watch stream (one gRPC {@code Watch} call): its watchers, and the bounded queue of
 * responses waiting for the client, in the order the client must see them. etcd's {@code
 * watchStream} plus the queueing half of its {@code serverWatchStream}.
 *
 * <p>How the gRPC layer drives it (see {@link WatchableStore} for the whole picture):
 *
 * <ol>
 *   <li>{@link WatchableStore#openStream} with an {@code onPending} callback when the call starts;
 *   <li>each request, in arrival order: {@link #create}, {@link #cancel}, {@link #requestProgress},
 *       or {@link #refuse} for a create the api refused (auth); read the next request only while
 *       {@link #acceptsRequests()} (gRPC manual flow control), so a client that sends but does not
 *       read cannot grow the queue;
 *   <li>whenever {@code onPending} runs, and whenever the transport is ready again: {@link #drain}
 *       while the transport is ready and drain returns as many responses as allowed;
 *   <li>{@link #close()} when the call ends, however it ends.
 * </ol>
 *
 * <p>Memory: event responses are bounded by {@link WatchConfig#streamResponsesMax()} and {@link
 * WatchConfig#streamBytesMax()} (one response is always accepted into an empty queue, so an
 * oversized one still goes out); a watcher whose events do not fit becomes a victim and catches up
 * later. Created, canceled and progress responses count against {@link
 * WatchConfig#streamControlResponsesMax()}: past it {@link #acceptsRequests()} turns false, and
 * periodic progress notifications are skipped.
 *
 * <p>Threads: the request methods from the gRPC thread of the call (one at a time); {@link #drain}
 * from any thread, serialised here. Locks: the watcher fields are guarded by the store's lock; the
 * queue by {@link #queueLock}, taken after the store's lock; {@link #sendLock} serialises drains
 * and is never taken with the store's lock held.
 */
public final class WatchStream implements AutoCloseable {

    private final WatchableStore store;
    private final WatchConfig config;

    /**
     * Runs when the queue goes from empty to not empty, on the thread that queued (the apply
     * thread, watch-sync or a gRPC thread) with the store's lock held: it must only schedule a
     * drain (e.g. hand a task to the call's executor), never block.
     */
    private final Runnable onPending;

    /**
     * The progress tick period: the interval plus a jitter of up to a tenth, fixed per stream (as
     * etcd draws it per stream), so that streams opened together do not tick together.
     */
    final Duration progressPeriod;

    // Guarded by the store's lock.
    final Map<Long, Watcher> watchers = new HashMap<>();
    final List<Watcher> victims = new ArrayList<>();
    private long nextWatchId;
    boolean closed;
    int progressWatcherCount;

    /** When the next progress tick is due; ticks run from the stream's opening, as etcd's. */
    Instant nextProgressTick;

    /** Whether a progress request waits for every watcher of this stream to be synced. */
    boolean progressRequested;

    /** Whether this stream has victims; read without the store's lock by {@link #drain}. */
    volatile boolean victimsWaiting;

    /** Guards the queue and its counts. Lock order: after the store's lock. */
    private final ReentrantLock queueLock = new ReentrantLock();

    private final ArrayDeque<WatchResponse> queue = new ArrayDeque<>();
    private int eventResponseCount;
    private long eventBytes;
    private int controlResponseCount;

    /** Whether onPending ran since a drain last found the queue empty. */
    private boolean pendingSignalled;

    /** Serialises drains, so that responses leave in queue order. Never held with the store's. */
    private final ReentrantLock sendLock = new ReentrantLock();

    WatchStream(
            WatchableStore store,
            WatchConfig config,
            Runnable onPending,
            long sequence,
            Instant opened) {
        this.store = store;
        this.config = config;
        this.onPending = onPending;
        long jitterNanosMax = Math.max(1, config.progressNotifyInterval().toNanos() / 10);
        long spread = (sequence * 0x9E3779B97F4A7C15L) >>> 1;
        this.progressPeriod = config.progressNotifyInterval().plusNanos(spread % jitterNanosMax);
        this.nextProgressTick = opened.plus(progressPeriod);
    }

    /**
     * etcd's watch create request: answers with a created response (or a canceled one with etcd's
     * reason: duplicate watch ID, empty range, negative start revision), then the events.
     */
    public void create(WatchCreateRequest request) {
        store.create(this, request);
    }

    /** Answers a create request the api refused (e.g. permission denied) with {@code reason}. */
    public void refuse(String cancelReason) {
        store.refuse(this, cancelReason);
    }

    /** etcd's cancel request: a canceled response follows; an unknown ID is ignored, as etcd. */
    public void cancel(long watchId) {
        store.cancel(this, watchId);
    }

    /**
     * etcd's progress request: a response with watch ID -1, no events and the current revision,
     * once every watcher of the stream is synced (at once if they are). Nothing when the stream has
     * no watchers.
     */
    public void requestProgress() {
        store.requestProgress(this);
    }

    /**
     * Hands up to {@code responsesMax} queued responses, in order, to {@code consumer} (e.g. the
     * call's {@code onNext}) on this thread. Returns how many; fewer than {@code responsesMax}
     * means the queue was empty, and {@code onPending} will run again when it is not.
     */
    public int drain(int responsesMax, Consumer<WatchResponse> consumer) {
        int sent = 0;
        sendLock.lock();
        try {
            while (sent < responsesMax) {
                WatchResponse response = poll();
                if (response == null) {
                    break;
                }
                consumer.accept(response);
                sent++;
            }
        } finally {
            sendLock.unlock();
        }
        if (victimsWaiting && hasRoom()) {
            store.wakeSync();
        }
        return sent;
    }

    /** Whether the gRPC layer may read the next request (the control backlog is below its max). */
    public boolean acceptsRequests() {
        queueLock.lock();
        try {
            return controlResponseCount < config.streamControlResponsesMax();
        } finally {
            queueLock.unlock();
        }
    }

    /** Responses waiting to be drained. */
    public int queuedResponseCount() {
        queueLock.lock();
        try {
            return queue.size();
        } finally {
            queueLock.unlock();
        }
    }

    /** Event responses (and fragments) waiting to be drained. */
    public int queuedEventResponseCount() {
        queueLock.lock();
        try {
            return eventResponseCount;
        } finally {
            queueLock.unlock();
        }
    }

    /** Serialized bytes of the event responses waiting to be drained. */
    public long queuedEventBytes() {
        queueLock.lock();
        try {
            return eventBytes;
        } finally {
            queueLock.unlock();
        }
    }

    /** Cancels every watcher without responses and drops what is queued; idempotent. */
    @Override
    public void close() {
        store.closeStream(this);
        queueLock.lock();
        try {
            queue.clear();
            eventResponseCount = 0;
            eventBytes = 0;
            controlResponseCount = 0;
        } finally {
            queueLock.unlock();
        }
    }

    /** The next automatic watch ID: etcd counts from 0, skipping IDs in use. Store's lock. */
    long nextAutoWatchId() {
        while (watchers.containsKey(nextWatchId)) {
            nextWatchId++;
        }
        return nextWatchId++;
    }

    /**
     * Queues {@code whole}, an event response for {@code watcher} (or its fragments), unless the
     * event budget is spent; returns whether it did. Store's lock.
     */
    boolean offerEvents(Watcher watcher, WatchResponse whole) {
        List<WatchResponse> pieces =
                watcher.fragment && whole.getSerializedSize() >= config.fragmentBytesMax()
                        ? Fragments.split(whole, config.fragmentBytesMax())
                        : List.of(whole);
        long bytes = 0;
        for (WatchResponse piece : pieces) {
            bytes += piece.getSerializedSize();
        }
        boolean wake;
        queueLock.lock();
        try {
            if (eventResponseCount > 0
                    && (eventResponseCount + pieces.size() > config.streamResponsesMax()
                            || eventBytes + bytes > config.streamBytesMax())) {
                return false;
            }
            queue.addAll(pieces);
            eventResponseCount += pieces.size();
            eventBytes += bytes;
            wake = signalLocked();
        } finally {
            queueLock.unlock();
        }
        watcher.eventsSinceProgressTick = true;
        if (wake) {
            onPending.run();
        }
        return true;
    }

    /** Queues a created, canceled or requested progress response; these are never dropped. */
    void offerControl(WatchResponse response) {
        Invariants.check(response.getEventsCount() == 0, "control response with events");
        offerEventless(response, true);
    }

    /** Queues a periodic progress notification unless the control backlog is full. */
    void offerProgress(WatchResponse response) {
        offerEventless(response, false);
    }

    private void offerEventless(WatchResponse response, boolean always) {
        boolean wake;
        queueLock.lock();
        try {
            if (!always && controlResponseCount >= config.streamControlResponsesMax()) {
                return;
            }
            queue.addLast(response);
            controlResponseCount++;
            wake = signalLocked();
        } finally {
            queueLock.unlock();
        }
        if (wake) {
            onPending.run();
        }
    }

    /** Whether victims may retry: the event queue is at most half full. */
    boolean hasRoom() {
        queueLock.lock();
        try {
            return eventResponseCount <= config.streamResponsesMax() / 2
                    && eventBytes <= config.streamBytesMax() / 2;
        } finally {
            queueLock.unlock();
        }
    }

    private boolean signalLocked() {
        if (pendingSignalled) {
            return false;
        }
        pendingSignalled = true;
        return true;
    }

    private WatchResponse poll() {
        queueLock.lock();
        try {
            WatchResponse response = queue.pollFirst();
            if (response == null) {
                pendingSignalled = false;
            } else if (response.getEventsCount() > 0) {
                eventResponseCount--;
                eventBytes -= response.getSerializedSize();
            } else {
                controlResponseCount--;
            }
            return response;
        } finally {
            queueLock.unlock();
        }
    }
}
