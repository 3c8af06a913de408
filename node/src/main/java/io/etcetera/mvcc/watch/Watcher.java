package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * One watch on a {@link WatchStream}: what it watches (range, filters, prev_kv, fragment,
 * progress_notify, start revision) and where it stands.
 *
 * <p>States (etcd's watcher groups), all changes made under the watchable store's lock:
 *
 * <pre>
 *  create ──> SYNCED (start 0 or future) ──notify: stream full──> VICTIM
 *     │         ^                                                  │ stream has room again
 *     └──> UNSYNCED (start in the past) <──────────────────────────┘
 *            │ caught up from history and recent events ──> SYNCED
 *  any state ──cancel, close, compacted──> CANCELED
 * </pre>
 *
 * <p>What {@link #minRevision} means (etcd's {@code minRev}): every event below it that this
 * watcher must see has been queued on its stream, and none at or above it has. A SYNCED watcher has
 * {@code minRevision <= notified revision + 1} unless it started in the future, which is what lets
 * a progress notification at the notified revision reach it.
 *
 * <p>Threads: the immutable fields are read anywhere. {@link #state} and {@link #minRevision} are
 * guarded by the watchable store's lock. {@link #pending} belongs to whichever thread owns the
 * watcher's state: the apply thread (inside {@code notify}, under the lock) while SYNCED, the
 * watch-sync thread while it catches an UNSYNCED watcher up; it is empty between uses.
 */
final class Watcher {

    enum State {
        SYNCED,
        UNSYNCED,
        VICTIM,
        CANCELED
    }

    final WatchStream stream;
    final long id;
    final WatchedRange range;
    final boolean noPut;
    final boolean noDelete;
    final boolean prevKv;
    final boolean fragment;
    final boolean progressNotify;

    /** The requested start revision; 0 means "from the revision after the current one". */
    final long startRevision;

    State state;
    long minRevision;

    /** Whether events were queued since the last progress tick (ticks then send nothing). */
    boolean eventsSinceProgressTick;

    /** Events gathered for this watcher by one {@link EventRouter} pass; see the class comment. */
    final List<Event> pending = new ArrayList<>();

    Watcher(WatchStream stream, long id, WatchedRange range, WatchCreateRequest request) {
        this.stream = stream;
        this.id = id;
        this.range = range;
        boolean noPutFilter = false;
        boolean noDeleteFilter = false;
        for (WatchCreateRequest.FilterType filter : request.getFiltersList()) {
            noPutFilter |= filter == WatchCreateRequest.FilterType.NOPUT;
            noDeleteFilter |= filter == WatchCreateRequest.FilterType.NODELETE;
        }
        this.noPut = noPutFilter;
        this.noDelete = noDeleteFilter;
        this.prevKv = request.getPrevKv();
        this.fragment = WatchFields.fragment(request);
        this.progressNotify = request.getProgressNotify();
        this.startRevision = request.getStartRevision();
    }

    /** Whether {@code event} (in range, at or above minRevision) passes this watcher's filters. */
    boolean passes(Event event) {
        return event.getType() == Event.EventType.PUT ? !noPut : !noDelete;
    }

    /**
     * The response carrying the pending events, which it clears. Watchers of one range usually get
     * the same events at once: then {@code previous}, the response just built for another watcher,
     * is copied with this watcher's ID, and its event list is shared, not rebuilt.
     */
    WatchResponse takePendingResponse(ResponseHeader header, WatchResponse previous) {
        WatchResponse response;
        if (previous != null
                && previous.getHeader() == header
                && isPending(previous.getEventsList())) {
            response = previous.toBuilder().setWatchId(id).build();
        } else {
            response =
                    WatchResponse.newBuilder()
                            .setHeader(header)
                            .setWatchId(id)
                            .addAllEvents(pending)
                            .build();
        }
        pending.clear();
        return response;
    }

    /** Whether {@code events} are the very pending events (the same objects, in order). */
    private boolean isPending(List<Event> events) {
        if (events.size() != pending.size()) {
            return false;
        }
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) != pending.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a progress notification at {@code revision} may go to this watcher: it is synced and
     * does not wait for a revision beyond the next one (etcd sends none to a watcher whose start
     * revision lies further ahead).
     */
    boolean mayReportProgress(long revision) {
        return state == State.SYNCED && (startRevision == 0 || revision >= startRevision - 1);
    }

    @Override
    public String toString() {
        return "watcher " + id + " on " + range + " at " + minRevision + " (" + state + ")";
    }
}
