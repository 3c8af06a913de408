package io.etcetera.mvcc.watch;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.watchcheck.History;
import io.etcetera.watchcheck.WatchChecker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real RocksDB store under a watchable store, driven as the server drives it: each write is an
 * apply batch committed and then notified; the test runs sync steps and moves the clock itself.
 * Records every committed event as the history the checker compares against.
 *
 * <p>Not thread-safe: one test thread (it plays the apply, sync and gRPC threads in turn).
 */
final class WatchFixture implements AutoCloseable {

    static final long CLUSTER_ID = 0xC1;
    static final int SYNC_STEPS_MAX = 100_000;

    final MvccStore store;
    final WatchableStore watchable;
    final ManualClock clock = new ManualClock();
    final List<Event> committed = new ArrayList<>();
    private final List<WatchClient> clients = new ArrayList<>();
    private long appliedIndex;

    /** Time spent in notify and how many events it handled, for the scale test's numbers. */
    long notifyNanos;

    long notifiedEvents;

    WatchFixture(Path directory, WatchConfig config) {
        this.store = MvccStore.open(directory);
        this.watchable =
                new WatchableStore(
                        store,
                        config,
                        clock,
                        revision ->
                                ResponseHeader.newBuilder()
                                        .setClusterId(CLUSTER_ID)
                                        .setRevision(revision)
                                        .build());
    }

    static ByteString bytes(String text) {
        return ByteString.copyFrom(text, StandardCharsets.ISO_8859_1);
    }

    static WatchCreateRequest.Builder watch(String key) {
        return WatchCreateRequest.newBuilder().setKey(bytes(key));
    }

    static WatchCreateRequest.Builder watch(String key, String rangeEnd) {
        return watch(key).setRangeEnd(bytes(rangeEnd));
    }

    WatchClient client() {
        WatchClient client = new WatchClient(watchable);
        clients.add(client);
        return client;
    }

    /** Applies one batch of requests, commits it and notifies; returns the new revision. */
    long apply(Consumer<ApplyBatch> requests) {
        List<Event> events = commitUnseen(requests);
        long revision = revision();
        long started = System.nanoTime();
        watchable.notify(events, revision);
        notifyNanos += System.nanoTime() - started;
        notifiedEvents += events.size();
        return revision;
    }

    /**
     * Applies and commits one batch without notifying the watchable store, as the writes a
     * leader's snapshot brings; returns the batch's events.
     */
    List<Event> commitUnseen(Consumer<ApplyBatch> requests) {
        List<Event> events;
        try (ApplyBatch batch = store.beginBatch(lease -> true)) {
            requests.accept(batch);
            events = batch.commit(++appliedIndex, 1);
        }
        committed.addAll(events);
        return events;
    }

    long put(String key, String value) {
        return apply(batch -> batch.put(putRequest(key, value)));
    }

    static PutRequest putRequest(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    long delete(String key) {
        return apply(
                batch ->
                        batch.deleteRange(
                                DeleteRangeRequest.newBuilder().setKey(bytes(key)).build()));
    }

    void compact(long revision) {
        apply(batch -> batch.compact(CompactionRequest.newBuilder().setRevision(revision).build()));
    }

    long revision() {
        return store.state().revision();
    }

    /** Runs sync steps until one says there is nothing more to do right now. */
    void sync() {
        for (int step = 0; step < SYNC_STEPS_MAX; step++) {
            if (!watchable.syncStep()) {
                return;
            }
        }
        throw new AssertionError("sync did not settle in " + SYNC_STEPS_MAX + " steps");
    }

    /** Syncs and drains every client until no response moves. */
    void settle() {
        for (int round = 0; round < SYNC_STEPS_MAX; round++) {
            sync();
            int moved = 0;
            for (WatchClient client : clients) {
                moved += client.drain().size();
            }
            WatchCounts counts = watchable.counts();
            if (moved == 0 && counts.slow() == 0) {
                return;
            }
        }
        throw new AssertionError("watchers did not settle: " + watchable.counts());
    }

    History history() {
        return History.of(committed);
    }

    WatchChecker checker() {
        return new WatchChecker(history());
    }

    /** Every client's watchers got every event they should, and nothing else. */
    void assertAllComplete() {
        WatchChecker checker = checker();
        for (WatchClient client : clients) {
            checker.assertComplete(client.watches());
            if (!client.recording.strays().isEmpty()) {
                throw new AssertionError("responses for no watcher: " + client.recording.strays());
            }
        }
    }

    @Override
    public void close() {
        for (WatchClient client : clients) {
            client.stream.close();
        }
        store.close();
    }
}
