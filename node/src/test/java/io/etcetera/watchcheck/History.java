package io.etcetera.watchcheck;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed writes of a store from its first revision on, as the events each revision made, in
 * commit order (within a revision, in the order the txn changed keys). The checker takes it as the
 * truth and derives from it, by replaying it over an empty store, the pair each key held before
 * each event (what prev_kv must be).
 *
 * <p>Immutable once built.
 */
public final class History {

    /** One committed event with the pair its key held just before it (null: none). */
    record Entry(Event event, KeyValue before) {

        long revision() {
            return event.getKv().getModRevision();
        }

        ByteString key() {
            return event.getKv().getKey();
        }
    }

    private final List<Entry> entries;

    private History(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * The history of a store that started empty, from the events of its commits in order (what
     * {@code ApplyBatch.commit} returns, or a full watch's events).
     *
     * @throws IllegalArgumentException if revisions go back
     */
    public static History of(List<Event> committed) {
        Map<ByteString, KeyValue> live = new HashMap<>();
        List<Entry> entries = new ArrayList<>(committed.size());
        long previous = 0;
        for (Event event : committed) {
            long revision = event.getKv().getModRevision();
            if (revision < previous) {
                throw new IllegalArgumentException(
                        "history goes back from revision " + previous + " to " + revision);
            }
            previous = revision;
            ByteString key = event.getKv().getKey();
            KeyValue before =
                    event.getType() == Event.EventType.DELETE
                            ? live.remove(key)
                            : live.put(key, event.getKv());
            entries.add(new Entry(event.toBuilder().clearPrevKv().build(), before));
        }
        return new History(List.copyOf(entries));
    }

    /** The last committed revision with an event (0 when none). */
    public long lastRevision() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).revision();
    }

    public int eventCount() {
        return entries.size();
    }

    /** The events {@code spec} must see from revision {@code from} on, in order. */
    List<Entry> expected(WatchSpec spec, long from) {
        List<Entry> expected = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.revision() >= from
                    && spec.contains(entry.key())
                    && spec.passes(entry.event())) {
                expected.add(entry);
            }
        }
        return expected;
    }

    /**
     * The events {@code spec} must see from {@code from} on, as a server sends them (prev_kv set
     * when asked for and the key existed): for tests that compare whole sequences.
     */
    public List<Event> expectedEvents(WatchSpec spec, long from) {
        List<Event> events = new ArrayList<>();
        for (Entry entry : expected(spec, from)) {
            events.add(
                    spec.prevKv() && entry.before() != null
                            ? entry.event().toBuilder().setPrevKv(entry.before()).build()
                            : entry.event());
        }
        return events;
    }
}
