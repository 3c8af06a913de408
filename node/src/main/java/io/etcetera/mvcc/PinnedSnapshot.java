package io.etcetera.mvcc;

import io.etcetera.backend.BackendSnapshot;
import io.etcetera.invariants.Invariants;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RocksDB snapshot taken right after one apply batch was written, with the state it shows,
 * shared by every reader that opened a {@link ReadView} on it.
 *
 * <p>Reference counted: the store holds one reference while this is the published snapshot, and
 * each open view one more; the last release closes the RocksDB snapshot. Invariant: the count never
 * goes below zero, and nothing retains a snapshot once it reached zero ({@link #tryRetain} fails
 * and the reader takes the newer one). Thread-safe, lock-free.
 */
final class PinnedSnapshot {

    private final BackendSnapshot snapshot;
    private final StoreState state;
    private final AtomicInteger references = new AtomicInteger(1);

    PinnedSnapshot(BackendSnapshot snapshot, StoreState state) {
        this.snapshot = snapshot;
        this.state = state;
    }

    BackendSnapshot snapshot() {
        return snapshot;
    }

    StoreState state() {
        return state;
    }

    /** Adds a reference unless the snapshot was already closed; returns whether it did. */
    boolean tryRetain() {
        while (true) {
            int count = references.get();
            if (count == 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    void release() {
        int count = references.decrementAndGet();
        Invariants.check(count >= 0, "snapshot released more often than retained: %d", count);
        if (count == 0) {
            snapshot.close();
        }
    }
}
