package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;
import io.etcetera.mvcc.EventPage;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;

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
 *   <li>the {@value SyncLoop#THREAD_NAME} thread ({@link #start}), or a test calling {@link
 *       #syncStep()}: moves victims whose stream drained back to unsynced; catches unsynced
 *       watchers up, at most {@link WatchConfig#syncWatchersMax()} per step, from recent events
 *       or from one history page of {@code ReadView.events} read outside the lock; answers
 *       progress requests that waited for watchers to sync; sends progress notifications.
 *   <li>the gRPC layer: {@link #openStream} per Watch call, then the stream's methods.
 * </ul>
 *
 * <p>Guarantees (etcd's): each watcher sees every event of its range and filters from its start
 * revision on, in revision order, once; one revision's events are never split across responses
 * (except into fragments the client joins); a progress notification at revision R comes after
 * every event at or below R. A watcher joins the synced group only under the lock, after the
 * {@link RecentEvents} bridged the revisions notified while it read history.
 *
 * <p>Thread-safe. {@link #lock} guards the groups, every watcher's state and minRevision, each
 * stream's watcher fields and the notified revision. Lock order: {@link #lock}, then a stream's
 * queue lock. It is held only for in-memory work, never across a read of the store. The {@code
 * headers} function runs under it: it must be cheap.
 */
public final class WatchableStore implements AutoCloseable {

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
    private final LongFunction<ResponseHeader> headers;

    /** See the class comment for what it guards and the lock order. */
    private final ReentrantLock lock = new ReentrantLock();

    private final WatcherGroup synced = new WatcherGroup();
    private final LinkedHashSet<Watcher> unsynced = new LinkedHashSet<>();
    private final LinkedHashSet<WatchStream> streamsWithVictims = new LinkedHashSet<>();
    private final LinkedHashSet<WatchStream> streamsAwaitingProgress = new LinkedHashSet<>();
    private final LinkedHashSet<WatchStream> progressStreams = new LinkedHashSet<>();
    private final RecentEvents recent;

    /** The revision of the last notify: every synced watcher has been sent every event up to it. */
    private long notifiedRevision;

    private int streamCount;
    private long streamSequence;
    private int watcherCount;
    private int victimCount;

    /** Apply thread only (inside notify). */
    private final EventRouter notifyRouter = new EventRouter();

    private final List<Watcher> notified = new ArrayList<>();

    /** Watch-sync thread only (inside syncStep). */
    private final EventRouter syncRouter = new EventRouter();

    private volatile SyncLoop loop;

    /**
     * Watches {@code store} from its current revision on. Create it before the apply thread
     * commits anything further, so that no commit escapes {@link #notify}.
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
        this.headers = headers;
        this.notifiedRevision = store.state().revision();
        this.recent = new RecentEvents(config.recentEventsMax(), notifiedRevision);
    }

    /** Starts the {@value SyncLoop#THREAD_NAME} thread; {@code onFatal} gets what stops it. */
    public void start(Consumer<Throwable> onFatal) {
        Invariants.check(loop == null, "the watch-sync thread is already started");
        SyncLoop started = new SyncLoop(this, config.syncInterval().toNanos(), onFatal);
        loop = started;
        started.start();
    }

    /** Stops the sync thread (streams are the gRPC layer's to close). */
    @Override
    public void close() {
        SyncLoop running = loop;
        if (running == null) {
            return;
        }
        try {
            running.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A new watch stream; {@code onPending} runs when responses wait to be drained (see {@link
     * WatchStream} for its contract). Any thread.
     */
    public WatchStream openStream(Runnable onPending) {
        lock.lock();
        try {
            streamCount++;
            return new WatchStream(this, config, onPending, streamSequence++);
        } finally {
            lock.unlock();
        }
    }

    /** The revision every synced watcher has been notified up to. */
    public long notifiedRevision() {
        lock.lock();
        try {
            return notifiedRevision;
        } finally {
            lock.unlock();
        }
    }

    public WatchCounts counts() {
        lock.lock();
        try {
            return new WatchCounts(
                    streamCount, watcherCount, synced.size(), unsynced.size(), victimCount);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the events of one committed apply batch to the synced watchers that want them.
     * Apply thread only, after each commit, in commit order.
     *
     * @param events what {@code ApplyBatch.commit} returned: revision-ordered, all above the
     *     previous notify's revision
     * @param revision the store's revision after the commit
     */
    public void notify(List<Event> events, long revision) {
        lock.lock();
        try {
            Invariants.check(
                    revision >= notifiedRevision,
                    "notify at revision %d after %d",
                    revision,
                    notifiedRevision);
            long firstRevision = notifiedRevision + 1;
            if (Verify.enabled()) {
                checkOrdered(events, firstRevision, revision);
            }
            recent.append(events, revision);
            notifyRouter.route(synced, events, notified);
            ResponseHeader header = notified.isEmpty() ? null : headers.apply(revision);
            for (Watcher watcher : notified) {
                boolean queued = watcher.stream.offerEvents(watcher, header, watcher.pending);
                watcher.pending.clear();
                if (queued) {
                    watcher.minRevision = revision + 1;
                } else {
                    synced.remove(watcher);
                    watcher.minRevision = Math.max(watcher.minRevision, firstRevision);
                    makeVictim(watcher);
                }
            }
            notified.clear();
            notifiedRevision = revision;
            if (!unsynced.isEmpty()) {
                // A watcher whose history page got ahead of notify can join now.
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
     * One bounded round of the sync thread's work (see the class comment). Returns whether it
     * moved some watcher forward and unsynced watchers remain, i.e. whether to run again now.
     */
    public boolean syncStep() {
        List<Watcher> fromHistory;
        boolean progressed;
        lock.lock();
        try {
            retryVictims();
            int unsyncedBefore = unsynced.size();
            fromHistory = chooseUnsynced();
            progressed = unsynced.size() < unsyncedBefore;
        } finally {
            lock.unlock();
        }
        if (!fromHistory.isEmpty()) {
            progressed |= catchUp(fromHistory);
        }
        lock.lock();
        try {
            answerDeferredProgress();
            tickProgress(clock.instant());
            return progressed && !unsynced.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Victims whose stream has room again go back to unsynced. Lock held. */
    private void retryVictims() {
        Iterator<WatchStream> streams = streamsWithVictims.iterator();
        while (streams.hasNext()) {
            WatchStream stream = streams.next();
            if (!stream.hasRoom()) {
                continue;
            }
            for (Watcher victim : stream.victims) {
                victim.state = Watcher.State.UNSYNCED;
                unsynced.add(victim);
            }
            victimCount -= stream.victims.size();
            stream.victims.clear();
            stream.victimsWaiting = false;
            streams.remove();
        }
    }

    /**
     * Serves up to syncWatchersMax unsynced watchers: those the recent events cover join the
     * synced group now; the rest are returned, to read history for. Watchers whose next revision
     * the apply thread has not notified yet wait for the next step. Lock held.
     */
    private List<Watcher> chooseUnsynced() {
        long compactRevision = store.state().compactRevision();
        List<Watcher> fromHistory = new ArrayList<>();
        List<Watcher> compacted = new ArrayList<>();
        List<Watcher> fromRecent = new ArrayList<>();
        int chosen = 0;
        for (Watcher watcher : unsynced) {
            if (chosen++ == config.syncWatchersMax()) {
                break;
            }
            if (watcher.minRevision < compactRevision) {
                compacted.add(watcher);
            } else if (watcher.minRevision > notifiedRevision + 1) {
                continue;
            } else if (watcher.minRevision >= recent.startRevision()) {
                fromRecent.add(watcher);
            } else {
                fromHistory.add(watcher);
            }
        }
        for (Watcher watcher : compacted) {
            cancelCompacted(watcher, compactRevision);
        }
        for (Watcher watcher : fromRecent) {
            unsynced.remove(watcher);
            joinSynced(watcher);
        }
        return fromHistory;
    }

    /**
     * Sends an unsynced watcher (already out of the unsynced set) the recent events it lacks and
     * makes it synced, or a victim if its stream is full. Lock held.
     */
    private void joinSynced(Watcher watcher) {
        recent.collect(watcher);
        if (!watcher.pending.isEmpty()) {
            boolean queued =
                    watcher.stream.offerEvents(
                            watcher, headers.apply(notifiedRevision), watcher.pending);
            watcher.pending.clear();
            if (!queued) {
                makeVictim(watcher);
                return;
            }
        }
        watcher.minRevision = notifiedRevision + 1;
        watcher.state = Watcher.State.SYNCED;
        synced.add(watcher);
    }

    /**
     * Reads one history page for {@code batch} (unsynced watchers, still in the unsynced set)
     * from a view, outside the lock, then delivers it under the lock. Returns whether any watcher
     * moved forward. Watch-sync thread: it alone changes an unsynced watcher's minRevision, so
     * reading it here without the lock is safe; a concurrent cancel only changes its state.
     */
    private boolean catchUp(List<Watcher> batch) {
        List<Watcher> compacted = new ArrayList<>();
        List<Watcher> reading = new ArrayList<>();
        WatcherGroup group = new WatcherGroup();
        EventPage page = null;
        long viewRevision;
        long compactRevision;
        try (ReadView view = store.view()) {
            viewRevision = view.revision();
            compactRevision = view.state().compactRevision();
            long from = Long.MAX_VALUE;
            WatchedRange cover = null;
            for (Watcher watcher : batch) {
                if (watcher.minRevision < compactRevision) {
                    compacted.add(watcher);
                    continue;
                }
                reading.add(watcher);
                group.add(watcher);
                from = Math.min(from, watcher.minRevision);
                cover = cover == null ? watcher.range : cover.cover(watcher.range);
            }
            if (cover != null) {
                page = view.events(from, cover.key(), cover.rangeEnd(), config.syncEventsMax());
            }
        }
        List<Watcher> touched = new ArrayList<>();
        if (page != null) {
            syncRouter.route(group, page.events(), touched);
        }
        lock.lock();
        try {
            for (Watcher watcher : compacted) {
                cancelCompacted(watcher, compactRevision);
            }
            boolean progressed = !compacted.isEmpty();
            for (Watcher watcher : reading) {
                progressed |= deliverPage(watcher, page, viewRevision);
            }
            return progressed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues what {@code page} holds for {@code watcher} and moves it on: to synced when the page
     * reached the view's revision and the recent events bridge the rest, else to the back of the
     * unsynced set; to victims if its stream is full. Returns whether it moved forward. Lock held.
     */
    private boolean deliverPage(Watcher watcher, EventPage page, long viewRevision) {
        if (watcher.state != Watcher.State.UNSYNCED) {
            watcher.pending.clear();
            return false;
        }
        unsynced.remove(watcher);
        if (!watcher.pending.isEmpty()) {
            // As etcd: a catch-up response carries the revision it was read at, which may lie
            // beyond its last event when more pages follow.
            boolean queued =
                    watcher.stream.offerEvents(
                            watcher, headers.apply(viewRevision), watcher.pending);
            watcher.pending.clear();
            if (!queued) {
                makeVictim(watcher);
                return false;
            }
        }
        long before = watcher.minRevision;
        watcher.minRevision = Math.max(watcher.minRevision, page.nextRevision());
        if (page.complete()
                && watcher.minRevision <= notifiedRevision + 1
                && watcher.minRevision >= recent.startRevision()) {
            joinSynced(watcher);
        } else {
            unsynced.add(watcher);
        }
        return watcher.minRevision > before || watcher.state != Watcher.State.UNSYNCED;
    }

    private void cancelCompacted(Watcher watcher, long compactRevision) {
        if (watcher.state != Watcher.State.UNSYNCED) {
            return;
        }
        remove(watcher);
        watcher.stream.offerControl(
                WatchResponse.newBuilder()
                        .setHeader(headers.apply(notifiedRevision))
                        .setWatchId(watcher.id)
                        .setCanceled(true)
                        .setCompactRevision(compactRevision)
                        .build());
    }

    /** Lock held; {@code watcher} is out of every set. */
    private void makeVictim(Watcher watcher) {
        watcher.state = Watcher.State.VICTIM;
        watcher.stream.victims.add(watcher);
        watcher.stream.victimsWaiting = true;
        streamsWithVictims.add(watcher.stream);
        victimCount++;
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
        for (WatchStream stream : progressStreams) {
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
                } else if (watcher.mayReportProgress(notifiedRevision)) {
                    stream.offerProgress(progressResponse(watcher.id));
                }
            }
        }
    }

    /** A stream-wide progress response if every watcher is synced. Lock held. */
    private boolean maybeAnswerProgress(WatchStream stream) {
        for (Watcher watcher : stream.watchers.values()) {
            if (!watcher.mayReportProgress(notifiedRevision)) {
                return false;
            }
        }
        stream.offerControl(progressResponse(NO_WATCH_ID));
        return true;
    }

    private WatchResponse progressResponse(long watchId) {
        return WatchResponse.newBuilder()
                .setHeader(headers.apply(notifiedRevision))
                .setWatchId(watchId)
                .build();
    }

    void create(WatchStream stream, WatchCreateRequest request) {
        WatchedRange range = WatchedRange.of(request.getKey(), request.getRangeEnd());
        long requestedId = WatchFields.watchId(request);
        boolean unsyncedAdded;
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
            watcherCount++;
            stream.offerControl(
                    WatchResponse.newBuilder()
                            .setHeader(headers.apply(notifiedRevision))
                            .setWatchId(id)
                            .setCreated(true)
                            .build());
            long start = request.getStartRevision();
            unsyncedAdded = start != 0 && start <= notifiedRevision;
            if (unsyncedAdded) {
                watcher.minRevision = start;
                watcher.state = Watcher.State.UNSYNCED;
                unsynced.add(watcher);
            } else {
                watcher.minRevision = Math.max(start, notifiedRevision + 1);
                watcher.state = Watcher.State.SYNCED;
                synced.add(watcher);
            }
            if (watcher.progressNotify && stream.progressWatcherCount++ == 0) {
                stream.nextProgressTick = clock.instant().plus(stream.progressPeriod);
                progressStreams.add(stream);
            }
        } finally {
            lock.unlock();
        }
        if (unsyncedAdded) {
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
                .setHeader(headers.apply(notifiedRevision))
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
            remove(watcher);
            stream.offerControl(
                    WatchResponse.newBuilder()
                            .setHeader(headers.apply(notifiedRevision))
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
                remove(watcher);
            }
            streamsAwaitingProgress.remove(stream);
            streamCount--;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code watcher} out of its set and its stream, for good. Lock held. */
    private void remove(Watcher watcher) {
        WatchStream stream = watcher.stream;
        switch (watcher.state) {
            case SYNCED -> synced.remove(watcher);
            case UNSYNCED -> unsynced.remove(watcher);
            case VICTIM -> {
                stream.victims.remove(watcher);
                victimCount--;
                if (stream.victims.isEmpty()) {
                    stream.victimsWaiting = false;
                    streamsWithVictims.remove(stream);
                }
            }
            case CANCELED -> throw new IllegalStateException(watcher + " removed twice");
        }
        watcher.state = Watcher.State.CANCELED;
        stream.watchers.remove(watcher.id);
        watcherCount--;
        if (watcher.progressNotify && --stream.progressWatcherCount == 0) {
            progressStreams.remove(stream);
        }
    }

    /** Wakes the sync thread (if started): there is catching up to do. Any thread. */
    void wakeSync() {
        SyncLoop running = loop;
        if (running != null) {
            running.wake();
        }
    }
}
