package io.etcetera.mvcc.watch;

import com.google.protobuf.ByteString;

import java.util.Comparator;

/**
 * The keys one watcher watches, by etcd's rules for a watch create request: an empty key is the
 * smallest key {@code \0}; an empty {@code range_end} watches that one key; a {@code range_end} of
 * the single byte {@code \0} watches every key at or after the key (from-key); any other {@code
 * range_end} watches the half-open interval [key, range_end) (a prefix watch is this form with the
 * prefix plus one), which is empty, and refused, when range_end is not after key.
 *
 * <p>Immutable.
 */
final class WatchedRange {

    static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();

    private static final ByteString SMALLEST_KEY = ByteString.copyFrom(new byte[] {0});

    private final ByteString key;

    /** False for a single key. */
    private final boolean interval;

    /** The exclusive end of an interval; null when it has no upper bound (and for a single key). */
    private final ByteString end;

    private WatchedRange(ByteString key, boolean interval, ByteString end) {
        this.key = key;
        this.interval = interval;
        this.end = end;
    }

    static WatchedRange of(ByteString key, ByteString rangeEnd) {
        ByteString start = key.isEmpty() ? SMALLEST_KEY : key;
        if (rangeEnd.isEmpty()) {
            return new WatchedRange(start, false, null);
        }
        if (rangeEnd.equals(SMALLEST_KEY)) {
            return new WatchedRange(start, true, null);
        }
        return new WatchedRange(start, true, rangeEnd);
    }

    ByteString key() {
        return key;
    }

    boolean isSingleKey() {
        return !interval;
    }

    /** The exclusive end of an interval, or null for no upper bound; single keys have none. */
    ByteString end() {
        return end;
    }

    /** Whether this is an interval with nothing in it (etcd's "watcher range is empty"). */
    boolean isEmpty() {
        return interval && end != null && ORDER.compare(key, end) >= 0;
    }

    boolean contains(ByteString candidate) {
        if (!interval) {
            return key.equals(candidate);
        }
        return ORDER.compare(candidate, key) >= 0
                && (end == null || ORDER.compare(candidate, end) < 0);
    }

    /**
     * The smallest single range holding this one and {@code other}, as a watch create request's key
     * and range_end would name it: a replay page scans it once for many watchers.
     */
    WatchedRange cover(WatchedRange other) {
        if (equals(other)) {
            return this;
        }
        ByteString start = ORDER.compare(key, other.key) <= 0 ? key : other.key;
        ByteString thisEnd = exclusiveEnd();
        ByteString otherEnd = other.exclusiveEnd();
        if (thisEnd == null || otherEnd == null) {
            return new WatchedRange(start, true, null);
        }
        ByteString last = ORDER.compare(thisEnd, otherEnd) >= 0 ? thisEnd : otherEnd;
        return new WatchedRange(start, true, last);
    }

    /** The range_end a watch request (and {@code ReadView.events}) uses for this range. */
    ByteString rangeEnd() {
        if (!interval) {
            return ByteString.EMPTY;
        }
        return end == null ? SMALLEST_KEY : end;
    }

    /** The first key after this range, or null when there is none. */
    private ByteString exclusiveEnd() {
        return interval ? end : key.concat(SMALLEST_KEY);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WatchedRange range
                && interval == range.interval
                && key.equals(range.key)
                && (end == null ? range.end == null : end.equals(range.end));
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + (end == null ? (interval ? 1 : 0) : end.hashCode());
    }

    @Override
    public String toString() {
        return interval
                ? "[" + key.toStringUtf8() + ", " + (end == null ? "∞" : end.toStringUtf8()) + ")"
                : key.toStringUtf8();
    }
}
