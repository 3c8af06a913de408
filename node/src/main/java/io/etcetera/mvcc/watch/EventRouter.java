package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.Event;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands a revision-ordered run of events to the watchers of a {@link WatcherGroup} that want them,
 * as etcd's {@code newWatcherBatch}: each event goes, in order, to the {@link Watcher#pending} list
 * of every watcher whose range holds its key, whose {@code minRevision} it reaches (so nothing is
 * sent twice) and whose filters it passes. A watcher that did not ask for prev_kv gets a copy
 * without it, made once per event and shared.
 *
 * <p>Cost: one {@link WatcherGroup#collect} per event, plus O(1) per matching watcher.
 *
 * <p>Confined to one thread: the store keeps one router for the apply thread and one for the
 * watch-sync thread.
 */
final class EventRouter {

    /** Scratch for the watchers of one key, reused from event to event. */
    private final List<Watcher> matches = new ArrayList<>();

    /**
     * Routes {@code events} to the watchers of {@code group}; appends each watcher that received at
     * least one event to {@code touched}, once. The caller takes and clears their pending lists.
     */
    void route(WatcherGroup group, List<Event> events, List<Watcher> touched) {
        for (Event event : events) {
            long revision = event.getKv().getModRevision();
            matches.clear();
            group.collect(event.getKv().getKey(), matches);
            Event withoutPrev = null;
            for (Watcher watcher : matches) {
                if (revision < watcher.minRevision || !watcher.passes(event)) {
                    continue;
                }
                if (watcher.pending.isEmpty()) {
                    touched.add(watcher);
                }
                if (watcher.prevKv || !event.hasPrevKv()) {
                    watcher.pending.add(event);
                } else {
                    if (withoutPrev == null) {
                        withoutPrev = event.toBuilder().clearPrevKv().build();
                    }
                    watcher.pending.add(withoutPrev);
                }
            }
        }
        matches.clear();
    }
}
