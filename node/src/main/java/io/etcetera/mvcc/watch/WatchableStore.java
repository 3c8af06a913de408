package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;
import io.etcetera.mvcc.MvccStore;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The watch side of a member's {@link MvccStore}, after etcd's {@code watchableStore}: every
 * watcher of every {@link WatchStream} sits in one of three sets, synced (gets events as the apply
 * thread commits them), unsynced (catches up from history) or victim (its stream was full), and
 * moves between them as {@link Watcher} describes.
 *
 * <p>Who calls what:
 *
 * <ul>
 *   <li>the apply thread: {@link #notify(List, long)} after each {@code ApplyBatch.commit}, with
 *       the events commit returned and the store's new revision. It costs one index lookup per
 *       event plus O(1) per matching watcher, takes no I/O and never waits for a consumer: a
 *       watcher whose stream is full becomes a victim.
 *   <li>the {@value SyncLoop#THREAD_NAME} thread, which the server starts to run {@link #syncLoop},
 *       or a test calling {@link #syncStep()}: catches unsynced watchers and victims up ({@link
 *       CatchUp}), answers progress requests that waited for watchers to sync, sends progress
 *       notifications.
 *   <li>the gRPC layer: {@link #openStream} per Watch call, then the stream's methods.
 * </ul>
 *
 * <p>Guarantees (etcd's): each watcher sees every event of its range and filters from its start
 * revision on, in revision order, once; one revision's events are never split across responses
 * (except into fragments the client joins); a progress notification at revision R comes after every
 * event at or below R. A watcher joins the synced group only under the lock, after the {@link
 * RecentEvents} bridged the revisions notified while it read history.
 *
 * <p>Thread-safe. {@link #lock} guards the {@link WatcherSets}, every watcher's state and
 * minRevision, and each stream's watcher fields. Lock order: {@link #lock}, then a stream's queue
 * lock. It is held only for in-memory work, never across a read of the store. The {@code headers}
 * function runs under it: it must be cheap.
 */
public final class WatchableStore {

    /** etcd's InvalidWatchID: the watch ID of stream-wide progress and of refused creations. */
    public static final long NO_WATCH_ID = -1;

    /** etcd's {@code ErrWatcherDuplicateID}. */
    public static final String DUPLICATE_WATCH_ID =
            "mvcc: duplicate watch ID provided on the WatchStream";

    /** etcd's {@code ErrEmptyWatcherRange}. */
    public static final String EMPTY_RANGE = "mvcc: watcher range is empty";

    /** etcd's reason for a negative start revision ({@code rpctypes.ErrCompacted}). */
    public static final String NEGATIVE_START =
            "etcdserver: mvcc: required revision has been compacted";

    private final MvccStore store;
    private final WatchConfig config;
    private final InstantSource clock;

    /** See the class comment for what it guards and the lock order. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Guarded by {@link #lock}. */
    private final WatcherSets sets;

    /** Guarded by {@link #lock}: streams whose progress request waits for their watchers. */
    private final LinkedHashSet<WatchStream> streamsAwaitingProgress = new LinkedHashSet<>();

    private int streamCount;
    private long streamSequence;

    /** Apply thread only (inside notify). */
    private final EventRouter notifyRouter = new EventRouter();

    private final List<Watcher> notified = new ArrayList<>();

    /** Watch-sync thread only. */
    private final CatchUp catchUp;

    private volatile SyncLoop loop;

    /**
     * Watches {@code store} from its current revision on. Create it before the apply thread commits
     * anything further, so that no commit escapes {@link #notify}.
     *
     * @param clock the time for progress notifications
     * @param headers the response header at a revision (cluster and member IDs, raft term)
     */
    public WatchableStore(
            MvccStore store,
            WatchConfig config,
            InstantSource clock,
            LongFunction<ResponseHeader> headers) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.sets = new WatcherSets(config.recentEventsMax(), store.state().revision(), headers);
        this.catchUp = new CatchUp(store, config, lock, sets);
    }

    /**
     * The loop for the server to run on its {@value SyncLoop#THREAD_NAME} thread (one loop per
     * store); {@code onFatal} gets what ends it.
     */
    public SyncLoop syncLoop(Consumer<Throwable> onFatal) {
        Invariants.check(loop == null, "the watch sync loop exists already");
        SyncLoop created = new SyncLoop(this, config.syncInterval().toNanos(), onFatal);
        loop = created;
        return created;
    }

    /**
     * A new watch stream; {@code onPending} runs when responses wait to be drained (see {@link
     * WatchStream} for its contract). Any thread.
     */
    public WatchStream openStream(Runnable onPending) {
        lock.lock();
        try {
            streamCount++;
            return new WatchStream(this, config, onPending, streamSequence++, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /** The revision every synced watcher has been notified up to. */
    public long notifiedRevision() {
        lock.lock();
        try {
            return sets.notifiedRevision;
        } finally {
            lock.unlock();
        }
    }

    public WatchCounts counts() {
        lock.lock();
        try {
            return sets.counts(streamCount);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the events of one committed apply batch to the synced watchers that want them. Apply
     * thread only, after each commit, in commit order.
     *
     * @param events what {@code ApplyBatch.commit} returned: revision-ordered, all above the
     *     previous notify's revision
     * @param revision the store's revision after the commit
     */
    public void notify(List<Event> events, long revision) {
        lock.lock();
        try {
            Invariants.check(
                    revision >= sets.notifiedRevision,
                    "notify at revision %d after %d",
                    revision,
                    sets.notifiedRevision);
            long firstRevision = sets.notifiedRevision + 1;
            if (Verify.enabled()) {
                checkOrdered(events, firstRevision, revision);
            }
            sets.recent.append(events, revision);
            notifyRouter.route(sets.synced, events, notified);
            ResponseHeader header = notified.isEmpty() ? null : sets.header(revision);
            WatchResponse previous = null;
            for (Watcher watcher : notified) {
                WatchResponse response = watcher.takePendingResponse(header, previous);
                previous = response;
                if (watcher.stream.offerEvents(watcher, response)) {
                    watcher.minRevision = revision + 1;
                } else {
                    sets.synced.remove(watcher);
                    watcher.minRevision = Math.max(watcher.minRevision, firstRevision);
                    sets.makeVictim(watcher);
                }
            }
            notified.clear();
            sets.notifiedRevision = revision;
            if (!sets.unsynced.isEmpty()) {
                // A watcher whose history page got ahead of notify can join now.
                wakeSync();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The store's content was replaced by a leader's snapshot up to {@code revision}: the events
     * between the last notify and it never passed through {@link #notify}, so every synced
     * watcher catches up from the store's history instead, as etcd's {@code watchableStore.Restore}
     * does (a watcher whose next revision is compacted there is canceled with the compact
     * revision). Apply thread only, after the install and before the next notify.
     */
    public void restore(long revision) {
        lock.lock();
        try {
            Invariants.check(
                    revision >= sets.notifiedRevision,
                    "restore at revision %d after %d",
                    revision,
                    sets.notifiedRevision);
            sets.restore(revision);
            if (!sets.unsynced.isEmpty()) {
                wakeSync();
            }
        } finally {
            lock.unlock();
        }
    }

    private static void checkOrdered(List<Event> events, long firstRevision, long revision) {
        long previous = firstRevision;
        for (Event event : events) {
            long eventRevision = event.getKv().getModRevision();
            Invariants.check(
                    eventRevision >= previous && eventRevision <= revision,
                    "event at revision %d out of order in a notify up to %d",
                    eventRevision,
                    revision);
            previous = eventRevision;
        }
    }

    /**
     * One bounded round of the sync thread's work (see the class comment). Returns whether it moved
     * some watcher forward and unsynced watchers remain, i.e. whether to run again now.
     */
    public boolean syncStep() {
        boolean progressed = catchUp.step();
        lock.lock();
        try {
            answerDeferredProgress();
            tickProgress(clock.instant());
            if (Verify.enabled()) {
                sets.checkInvariants();
            }
            return progressed && !sets.unsynced.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void answerDeferredProgress() {
        Iterator<WatchStream> streams = streamsAwaitingProgress.iterator();
        while (streams.hasNext()) {
            WatchStream stream = streams.next();
            if (stream.watchers.isEmpty() || maybeAnswerProgress(stream)) {
                stream.progressRequested = false;
                streams.remove();
            }
        }
    }

    /**
     * Sends each progress_notify watcher that got no events since the last tick the current
     * revision, per stream every progress period, as etcd's send loop does. Lock held.
     */
    private void tickProgress(Instant now) {
        for (WatchStream stream : sets.progressStreams) {
            if (now.isBefore(stream.nextProgressTick)) {
                continue;
            }
            stream.nextProgressTick = now.plus(stream.progressPeriod);
            for (Watcher watcher : stream.watchers.values()) {
                if (!watcher.progressNotify) {
                    continue;
                }
                if (watcher.eventsSinceProgressTick) {
                    watcher.eventsSinceProgressTick = false;
                } else if (watcher.mayReportProgress(sets.notifiedRevision)) {
                    stream.offerProgress(progressResponse(watcher.id));
                }
            }
        }
    }

    /** A stream-wide progress response if every watcher is synced. Lock held. */
    private boolean maybeAnswerProgress(WatchStream stream) {
        for (Watcher watcher : stream.watchers.values()) {
            if (!watcher.mayReportProgress(sets.notifiedRevision)) {
                return false;
            }
        }
        stream.offerControl(progressResponse(NO_WATCH_ID));
        return true;
    }

    private WatchResponse progressResponse(long watchId) {
        return WatchResponse.newBuilder().setHeader(sets.header()).setWatchId(watchId).build();
    }

    void create(WatchStream stream, WatchCreateRequest request) {
        WatchedRange range = WatchedRange.of(request.getKey(), request.getRangeEnd());
        long requestedId = WatchFields.watchId(request);
        boolean unsynced;
        lock.lock();
        try {
            if (stream.closed) {
                return;
            }
            String refusal = refusal(stream, request, range, requestedId);
            if (refusal != null) {
                stream.offerControl(refusedResponse(refusal));
                return;
            }
            long id = requestedId != 0 ? requestedId : stream.nextAutoWatchId();
            Watcher watcher = new Watcher(stream, id, range, request);
            stream.watchers.put(id, watcher);
            stream.offerControl(
                    WatchResponse.newBuilder()
                            .setHeader(sets.header())
                            .setWatchId(id)
                            .setCreated(true)
                            .build());
            unsynced = sets.add(watcher);
        } finally {
            lock.unlock();
        }
        if (unsynced) {
            wakeSync();
        }
    }

    /** etcd's reasons to refuse a create request, in etcd's order; null to accept it. */
    private static String refusal(
            WatchStream stream, WatchCreateRequest request, WatchedRange range, long id) {
        if (request.getStartRevision() < 0) {
            return NEGATIVE_START;
        }
        if (range.isEmpty()) {
            return EMPTY_RANGE;
        }
        if (id != 0 && stream.watchers.containsKey(id)) {
            return DUPLICATE_WATCH_ID;
        }
        return null;
    }

    void refuse(WatchStream stream, String cancelReason) {
        lock.lock();
        try {
            if (!stream.closed) {
                stream.offerControl(refusedResponse(cancelReason));
            }
        } finally {
            lock.unlock();
        }
    }

    private WatchResponse refusedResponse(String cancelReason) {
        return WatchResponse.newBuilder()
                .setHeader(sets.header())
                .setWatchId(NO_WATCH_ID)
                .setCreated(true)
                .setCanceled(true)
                .setCancelReason(cancelReason)
                .build();
    }

    void cancel(WatchStream stream, long watchId) {
        lock.lock();
        try {
            Watcher watcher = stream.closed ? null : stream.watchers.get(watchId);
            if (watcher == null) {
                return;
            }
            sets.remove(watcher);
            stream.offerControl(
                    WatchResponse.newBuilder()
                            .setHeader(sets.header())
                            .setWatchId(watchId)
                            .setCanceled(true)
                            .build());
        } finally {
            lock.unlock();
        }
    }

    void requestProgress(WatchStream stream) {
        lock.lock();
        try {
            if (stream.closed || stream.watchers.isEmpty() || stream.progressRequested) {
                return;
            }
            if (!maybeAnswerProgress(stream)) {
                stream.progressRequested = true;
                streamsAwaitingProgress.add(stream);
            }
        } finally {
            lock.unlock();
        }
    }

    void closeStream(WatchStream stream) {
        lock.lock();
        try {
            if (stream.closed) {
                return;
            }
            stream.closed = true;
            for (Watcher watcher : List.copyOf(stream.watchers.values())) {
                sets.remove(watcher);
            }
            streamsAwaitingProgress.remove(stream);
            streamCount--;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the sync loop (if there is one): there is catching up to do. Any thread. */
    void wakeSync() {
        SyncLoop running = loop;
        if (running != null) {
            running.wake();
        }
    }
}
