package io.etcetera.server;

import io.etcetera.invariants.Invariants;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The index and term of the last entry the apply thread applied, and the futures waiting for it
 * to reach an index (etcd's {@code applyWait}): linearizable reads wait here for their read index.
 *
 * <p>Invariant: the applied index never decreases. The apply thread advances it; any thread reads
 * it or waits. The waiters are guarded by this object's monitor, held only to add or take waiters
 * (never while completing them). Few futures wait at once (one per read-index round).
 */
final class AppliedIndex {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private volatile long index;
    private volatile long term;

    /** Futures by the index they wait for; guarded by {@code this}. */
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();

    AppliedIndex(long index, long term) {
        this.index = index;
        this.term = term;
    }

    long index() {
        return index;
    }

    long term() {
        return term;
    }

    /** A future that completes once the applied index is at least {@code target}. */
    CompletableFuture<Void> await(long target) {
        if (index >= target) {
            return DONE;
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (this) {
            if (index < target) {
                waiters.computeIfAbsent(target, t -> new ArrayList<>(1)).add(future);
                return future;
            }
        }
        return DONE;
    }

    /** Records that everything up to {@code newIndex} (of {@code newTerm}) is applied. */
    void advance(long newIndex, long newTerm) {
        Invariants.check(newIndex >= index, "applied index went back from %d to %d", index,
                newIndex);
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            index = newIndex;
            term = newTerm;
            if (waiters.isEmpty() || waiters.firstKey() > newIndex) {
                return;
            }
            released = new ArrayList<>();
            Map<Long, List<CompletableFuture<Void>>> reached = waiters.headMap(newIndex, true);
            reached.values().forEach(released::addAll);
            reached.clear();
        }
        released.forEach(future -> future.complete(null));
    }

    /** Fails every waiting future, e.g. when the member stops. */
    void failAll(RuntimeException failure) {
        List<CompletableFuture<Void>> failed = new ArrayList<>();
        synchronized (this) {
            waiters.values().forEach(failed::addAll);
            waiters.clear();
        }
        failed.forEach(future -> future.completeExceptionally(failure));
    }
}
