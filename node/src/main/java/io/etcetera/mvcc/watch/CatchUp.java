package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.mvcc.EventPage;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Brings unsynced watchers up to date, one bounded step at a time, as etcd's {@code syncWatchers}:
 * victims whose stream drained rejoin the unsynced set; up to {@link WatchConfig#syncWatchersMax()}
 * unsynced watchers are served, those the recent events cover by joining the synced group at once,
 * the others from one history page ({@code ReadView.events}, at most {@link
 * WatchConfig#syncEventsMax()} events plus the rest of a revision) read for all of them together; a
 * watcher whose start was compacted away is canceled with the compact revision.
 *
 * <p>Unlike etcd, the history page is read without the store's lock, so notify never waits for it;
 * the page's watchers stay unsynced meanwhile, and join only under the lock, through the recent
 * events.
 *
 * <p>Confined to the watch-sync thread (or a test driving the steps). While a watcher is unsynced
 * only this thread changes its minRevision and pending events, so reading them without the lock is
 * safe; a concurrent cancel changes only its state, which is checked again under the lock.
 */
final class CatchUp {

    private final MvccStore store;
    private final WatchConfig config;
    private final ReentrantLock lock;
    private final WatcherSets sets;
    private final EventRouter router = new EventRouter();

    CatchUp(MvccStore store, WatchConfig config, ReentrantLock lock, WatcherSets sets) {
        this.store = store;
        this.config = config;
        this.lock = lock;
        this.sets = sets;
    }

    /** One step; returns whether some watcher moved forward. */
    boolean step() {
        List<Watcher> fromHistory;
        boolean progressed;
        lock.lock();
        try {
            sets.retryVictims();
            int unsyncedBefore = sets.unsynced.size();
            fromHistory = chooseUnsynced();
            progressed = sets.unsynced.size() < unsyncedBefore;
        } finally {
            lock.unlock();
        }
        if (!fromHistory.isEmpty()) {
            progressed |= readHistory(fromHistory);
        }
        return progressed;
    }

    /**
     * Serves up to syncWatchersMax unsynced watchers from the recent events, and returns the ones
     * that need history. A watcher whose next revision the apply thread has not notified yet (its
     * history page got ahead of notify) waits for a later step. Lock held.
     */
    private List<Watcher> chooseUnsynced() {
        long compactRevision = store.state().compactRevision();
        List<Watcher> fromHistory = new ArrayList<>();
        List<Watcher> compacted = new ArrayList<>();
        List<Watcher> fromRecent = new ArrayList<>();
        int chosen = 0;
        for (Watcher watcher : sets.unsynced) {
            if (chosen++ == config.syncWatchersMax()) {
                break;
            }
            if (watcher.minRevision < compactRevision) {
                compacted.add(watcher);
            } else if (sets.mayJoinSynced(watcher)) {
                fromRecent.add(watcher);
            } else if (watcher.minRevision <= sets.notifiedRevision) {
                fromHistory.add(watcher);
            }
        }
        for (Watcher watcher : compacted) {
            cancelCompacted(watcher, compactRevision);
        }
        for (Watcher watcher : fromRecent) {
            sets.unsynced.remove(watcher);
            sets.joinSynced(watcher);
        }
        return fromHistory;
    }

    /**
     * Reads one history page for {@code batch} (still in the unsynced set) from a view, outside the
     * lock, then delivers it under the lock. Returns whether any watcher moved forward.
     */
    private boolean readHistory(List<Watcher> batch) {
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
        if (page != null) {
            router.route(group, page.events(), new ArrayList<>());
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
        sets.unsynced.remove(watcher);
        if (!watcher.pending.isEmpty()) {
            // As etcd: a catch-up response carries the revision it was read at, which may lie
            // beyond its last event when more pages follow.
            WatchResponse response = watcher.takePendingResponse(sets.header(viewRevision), null);
            if (!watcher.stream.offerEvents(watcher, response)) {
                sets.makeVictim(watcher);
                return false;
            }
        }
        long before = watcher.minRevision;
        watcher.minRevision = Math.max(watcher.minRevision, page.nextRevision());
        if (page.complete() && sets.mayJoinSynced(watcher)) {
            sets.joinSynced(watcher);
        } else {
            sets.unsynced.add(watcher);
        }
        return watcher.minRevision > before || watcher.state != Watcher.State.UNSYNCED;
    }

    /** etcd's compacted response: canceled, with the compact revision. Lock held. */
    private void cancelCompacted(Watcher watcher, long compactRevision) {
        if (watcher.state != Watcher.State.UNSYNCED) {
            return;
        }
        sets.remove(watcher);
        watcher.stream.offerControl(
                WatchResponse.newBuilder()
                        .setHeader(sets.header())
                        .setWatchId(watcher.id)
                        .setCanceled(true)
                        .setCompactRevision(compactRevision)
                        .build());
    }
}
