package io.etcetera.server;

import io.etcetera.mvcc.MvccException;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;
import io.etcetera.server.RequestFailedException.Reason;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads of the store from client threads, counted so that the member closes the store only once
 * the last one finished: a read that starts after stop began is refused with {@code server
 * stopped}. The store's refusals become {@link RequestFailedException}s.
 *
 * <p>Thread-safe.
 */
final class StoreReads {

    private final MvccStore store;
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean closing;

    StoreReads(MvccStore store) {
        this.store = store;
    }

    /** Runs {@code read} on a view of the last committed batch. */
    <T> T read(Function<ReadView, T> read) {
        return use(() -> {
            try (ReadView view = store.view()) {
                return read.apply(view);
            }
        });
    }

    /** Runs {@code work} on the store (defragment, checkpoint) with the store kept open. */
    <T> T use(Supplier<T> work) {
        active.incrementAndGet();
        try {
            if (closing) {
                throw RequestFailedException.of(Reason.STOPPED);
            }
            return work.get();
        } catch (MvccException refused) {
            throw RequestFailedException.of(refused);
        } finally {
            active.decrementAndGet();
        }
    }

    /** Refuses new reads and waits up to {@code waitMillis} for running ones to finish. */
    boolean close(long waitMillis) throws InterruptedException {
        closing = true;
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (active.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return active.get() == 0;
    }
}
