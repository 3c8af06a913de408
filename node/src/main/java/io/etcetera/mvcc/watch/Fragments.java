package io.etcetera.mvcc.watch;

import com.google.protobuf.CodedOutputStream;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a large response for a watcher that allows fragments, as etcd's {@code sendFragments}: a
 * response of at least {@code bytesMax} with two or more events becomes consecutive responses, each
 * as large as fits under {@code bytesMax} but with at least one event, all marked as fragments but
 * the last ({@link WatchFields#isFragment}). The client joins them back into one response, so a
 * revision split across fragments still arrives whole.
 *
 * <p>Stateless; any thread.
 */
final class Fragments {

    /** etcd's response field number of {@code events}. */
    private static final int EVENTS_FIELD = 11;

    /** The bytes the fragment flag adds: one tag byte and one varint byte. */
    private static final int FRAGMENT_FLAG_BYTES = 2;

    private Fragments() {}

    static List<WatchResponse> split(WatchResponse whole, long bytesMax) {
        if (whole.getSerializedSize() < bytesMax || whole.getEventsCount() < 2) {
            return List.of(whole);
        }
        long baseBytes = whole.getSerializedSize() + FRAGMENT_FLAG_BYTES;
        for (Event event : whole.getEventsList()) {
            baseBytes -= CodedOutputStream.computeMessageSize(EVENTS_FIELD, event);
        }
        WatchResponse empty = whole.toBuilder().clearEvents().build();
        List<WatchResponse> pieces = new ArrayList<>();
        List<Event> events = whole.getEventsList();
        int first = 0;
        while (first < events.size()) {
            long bytes = baseBytes;
            int end = first;
            while (end < events.size()) {
                long eventBytes =
                        CodedOutputStream.computeMessageSize(EVENTS_FIELD, events.get(end));
                if (end > first && bytes + eventBytes >= bytesMax) {
                    break;
                }
                bytes += eventBytes;
                end++;
            }
            WatchResponse.Builder piece =
                    empty.toBuilder().addAllEvents(events.subList(first, end));
            if (end < events.size()) {
                WatchFields.markFragment(piece);
            }
            pieces.add(piece.build());
            first = end;
        }
        return pieces;
    }
}
