package io.etcetera.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;

import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Readers on their own threads open views while the apply thread commits batches (with compactions)
 * and a compactor thread removes old versions: every view must show exactly the model's key space
 * at its revision, and at its compact revision, whatever the interleaving.
 */
class ConcurrentReadersTest {

    private static final int BATCHES = 800;
    private static final int READERS = 2;

    @TempDir Path directory;

    @Test
    void everyViewIsExactlyOneRevisionWhileApplyAndCompactionRun() throws Exception {
        Workload workload = new Workload(7, 16);
        List<List<Message>> batches = new ArrayList<>();
        for (int i = 0; i < BATCHES; i++) {
            batches.add(workload.nextBatch());
        }
        NaiveStore model = workload.model(); // complete before any thread reads it
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong viewsChecked = new AtomicLong();
        try (MvccStore store = MvccStore.open(directory)) {
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                threads.add(
                        new Thread(
                                () -> read(store, model, done, viewsChecked, failures),
                                "reader-" + r));
            }
            threads.add(new Thread(() -> compact(store, done, failures), "compactor"));
            threads.forEach(Thread::start);
            long index = 0;
            for (List<Message> batch : batches) {
                try (ApplyBatch apply = store.beginBatch(Workload.LEASES::contains)) {
                    Workload.applyAll(apply, batch);
                    apply.commit(++index, 1);
                }
            }
            done.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            assertThat(store.state().revision()).isEqualTo(model.revision());
        }
        assertThat(viewsChecked.get()).isGreaterThan(0);
    }

    private static void read(
            MvccStore store,
            NaiveStore model,
            AtomicBoolean done,
            AtomicLong checked,
            Queue<Throwable> failures) {
        try {
            while (!done.get()) {
                try (ReadView view = store.view()) {
                    StoreState state = view.state();
                    assertSame(view, model, state.revision());
                    assertSame(view, model, Math.max(1, state.compactRevision()));
                    checked.incrementAndGet();
                }
            }
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    private static void assertSame(ReadView view, NaiveStore model, long revision) {
        RangeRequest all = RandomRequests.allKeysAt(revision);
        List<KeyValue> expected = new ArrayList<>(model.at(revision).values());
        assertThat(view.range(all).getKvsList()).as("revision %d", revision).isEqualTo(expected);
    }

    private static void compact(MvccStore store, AtomicBoolean done, Queue<Throwable> failures) {
        try {
            while (!done.get()) {
                store.compactStep(2);
            }
        } catch (Throwable t) {
            failures.add(t);
        }
    }
}
