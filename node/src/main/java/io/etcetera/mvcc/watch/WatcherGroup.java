package io.etcetera.mvcc.watch;

import com.google.protobuf.ByteString;

import io.etcetera.invariants.Invariants;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A set of watchers indexed by what they watch, as etcd's {@code watcherGroup}: single-key watchers
 * in a hash map by key, interval watchers in an {@link IntervalTree}. Finding the watchers of one
 * key costs one hash lookup plus one stabbing query, O(log intervals + matches), whatever the
 * number of watchers that do not match.
 *
 * <p>Invariant: each watcher is held once, under its own range; {@link #size()} counts them.
 *
 * <p>Not thread-safe: guarded by the watchable store's lock (or confined to the watch-sync thread
 * for the temporary group of one catch-up step).
 */
final class WatcherGroup {

    private final Map<ByteString, LinkedHashSet<Watcher>> keys = new HashMap<>();
    private final IntervalTree intervals = new IntervalTree();
    private int size;

    int size() {
        return size;
    }

    void add(Watcher watcher) {
        WatchedRange range = watcher.range;
        if (range.isSingleKey()) {
            boolean added =
                    keys.computeIfAbsent(range.key(), key -> new LinkedHashSet<>()).add(watcher);
            Invariants.check(added, "%s added twice", watcher);
        } else {
            intervals.add(range.key(), range.end(), watcher);
        }
        size++;
    }

    void remove(Watcher watcher) {
        WatchedRange range = watcher.range;
        if (range.isSingleKey()) {
            LinkedHashSet<Watcher> watchers = keys.get(range.key());
            Invariants.check(
                    watchers != null && watchers.remove(watcher), "%s is not held", watcher);
            if (watchers.isEmpty()) {
                keys.remove(range.key());
            }
        } else {
            intervals.remove(range.key(), range.end(), watcher);
        }
        size--;
    }

    /** Appends every watcher whose range holds {@code key} to {@code out}, each once. */
    void collect(ByteString key, List<Watcher> out) {
        LinkedHashSet<Watcher> single = keys.get(key);
        if (single != null) {
            for (Watcher watcher : single) {
                out.add(watcher);
            }
        }
        intervals.stab(key, out);
    }

    /** Appends every watcher held to {@code out}, each once. */
    void collectAll(List<Watcher> out) {
        keys.values().forEach(out::addAll);
        intervals.collectAll(out);
    }

    /** For tests: the interval index's own invariants. */
    void checkInvariants() {
        intervals.checkInvariants();
    }
}
