package io.etcetera.watchcheck;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;

/**
 * What a watcher asked for: a watch create request's key range (etcd's forms: one key, from-key
 * with range_end {@code \0}, an interval; an empty key is {@code \0}), start revision (0: from the
 * revision after the one its created response reports), filters and prev_kv.
 *
 * <p>Immutable.
 */
public record WatchSpec(
        ByteString key,
        ByteString rangeEnd,
        long startRevision,
        boolean noPut,
        boolean noDelete,
        boolean prevKv) {

    private static final ByteString SMALLEST_KEY = ByteString.copyFrom(new byte[] {0});

    public static WatchSpec of(WatchCreateRequest request) {
        return new WatchSpec(
                request.getKey(),
                request.getRangeEnd(),
                request.getStartRevision(),
                request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT),
                request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE),
                request.getPrevKv());
    }

    /** Whether the watched range holds {@code candidate}. */
    public boolean contains(ByteString candidate) {
        ByteString start = key.isEmpty() ? SMALLEST_KEY : key;
        if (rangeEnd.isEmpty()) {
            return start.equals(candidate);
        }
        int fromStart = ByteString.unsignedLexicographicalComparator().compare(candidate, start);
        if (rangeEnd.equals(SMALLEST_KEY)) {
            return fromStart >= 0;
        }
        return fromStart >= 0
                && ByteString.unsignedLexicographicalComparator().compare(candidate, rangeEnd) < 0;
    }

    /** Whether the filters let {@code event} through. */
    public boolean passes(Event event) {
        return event.getType() == Event.EventType.PUT ? !noPut : !noDelete;
    }

    @Override
    public String toString() {
        return "watch of "
                + key.toStringUtf8()
                + (rangeEnd.isEmpty() ? "" : " to " + rangeEnd.toStringUtf8())
                + " from "
                + startRevision
                + (noPut ? " noPut" : "")
                + (noDelete ? " noDelete" : "")
                + (prevKv ? " prevKv" : "");
    }
}
