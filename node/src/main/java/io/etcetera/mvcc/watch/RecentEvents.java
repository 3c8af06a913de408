package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.Event;
import io.etcetera.invariants.Invariants;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The events of the last few notified revisions, kept so that a watcher catching up can join the
 * synced group without racing the apply thread: the watch-sync thread reads history from a view at
 * revision V while the apply thread goes on notifying V+1, V+2, ...; under the store's lock it then
 * hands the watcher those later events from here and makes it synced in the same critical section,
 * so no event falls between history and notifications. (etcd holds its store lock across the whole
 * history read instead, which stalls writers.)
 *
 * <p>Invariant: every event of every revision in [{@link #startRevision()}, notified revision] is
 * held, in order, and the total held is at most {@code eventsMax} after each append.
 *
 * <p>Not thread-safe: guarded by the watchable store's lock.
 */
final class RecentEvents {

    /** The events of one notify call, the last of whose revisions is {@code lastRevision}. */
    private record Batch(List<Event> events, long lastRevision) {}

    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private final int eventsMax;
    private int eventCount;
    private long startRevision;

    RecentEvents(int eventsMax, long notifiedRevision) {
        Invariants.check(eventsMax >= 0, "eventsMax(%d) < 0", eventsMax);
        this.eventsMax = eventsMax;
        this.startRevision = notifiedRevision + 1;
    }

    int eventsMax() {
        return eventsMax;
    }

    /** The oldest revision whose events are all held. */
    long startRevision() {
        return startRevision;
    }

    int eventCount() {
        return eventCount;
    }

    /**
     * Holds the events of one notify call (immutable, revision-ordered, up to {@code revision}).
     */
    void append(List<Event> events, long revision) {
        if (!events.isEmpty()) {
            batches.addLast(new Batch(events, revision));
            eventCount += events.size();
        }
        while (eventCount > eventsMax) {
            Batch oldest = batches.removeFirst();
            eventCount -= oldest.events().size();
            startRevision = oldest.lastRevision() + 1;
        }
        if (batches.isEmpty()) {
            startRevision = revision + 1;
        }
        Invariants.check(
                eventCount <= eventsMax, "%d recent events held, max %d", eventCount, eventsMax);
    }

    /**
     * Appends to {@code watcher.pending} every held event it wants from its minRevision on, which
     * must be at or above {@link #startRevision()}.
     */
    void collect(Watcher watcher) {
        Invariants.check(
                watcher.minRevision >= startRevision,
                "watcher needs revision %d, recent events start at %d",
                watcher.minRevision,
                startRevision);
        for (Batch batch : batches) {
            if (batch.lastRevision() < watcher.minRevision) {
                continue;
            }
            for (Event event : batch.events()) {
                if (event.getKv().getModRevision() >= watcher.minRevision
                        && watcher.range.contains(event.getKv().getKey())
                        && watcher.passes(event)) {
                    watcher.pending.add(
                            watcher.prevKv || !event.hasPrevKv()
                                    ? event
                                    : event.toBuilder().clearPrevKv().build());
                }
            }
        }
    }
}
