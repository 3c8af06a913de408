package io.etcetera.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcetera.backend.Cursor;
import io.etcetera.backend.Family;
import io.etcetera.backend.RevisionRecord;
import io.etcetera.backend.VersionKey;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Random sequences of put, delete range, txn, compact and lease revoke, applied in random batches
 * to the store and to {@link NaiveStore}; after every batch both must agree on every response,
 * error, event, range at any revision, replay and read-only txn. Physical compaction steps,
 * reopenings and hashes are interleaved; at the end the physical contents must be exactly what
 * compaction keeps.
 *
 * <p>Replay one seed: {@code mvn -pl node test -Dtest=MvccModelPropertyTest -Dmvcc.seed=N}.
 */
class MvccModelPropertyTest {

    /** Seeds per run; {@code -Dmvcc.seeds=N} runs more. */
    private static final int SEEDS = Integer.getInteger("mvcc.seeds", 16);

    private static final int BATCHES = 120;

    @TempDir Path tempDir;

    @TestFactory
    Stream<DynamicTest> storeAgreesWithNaiveModel() {
        String only = System.getProperty("mvcc.seed");
        LongStream seeds =
                only != null ? LongStream.of(Long.parseLong(only)) : LongStream.range(0, SEEDS);
        return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
    }

    private void run(long seed) {
        Path directory = tempDir.resolve("seed-" + seed);
        new Run(seed, directory).execute();
    }

    private static final class Run {
        final SplittableRandom random;
        final RandomRequests requests;
        final Path directory;
        final NaiveStore model = new NaiveStore();
        final Set<Long> leases = new HashSet<>(List.of(1L, 2L));
        MvccStore store;
        long appliedIndex;
        long term = 1;
        int modelEventsSeen;

        Run(long seed, Path directory) {
            this.random = new SplittableRandom(seed);
            this.requests = new RandomRequests(random);
            this.directory = directory;
        }

        void execute() {
            store = MvccStore.open(directory);
            try {
                for (int batch = 0; batch < BATCHES; batch++) {
                    applyBatch();
                    checkReads();
                    if (random.nextInt(3) == 0) {
                        store.compactStep(1 + random.nextInt(6));
                    }
                    if (random.nextInt(40) == 0) {
                        store.close();
                        store = MvccStore.open(directory);
                    }
                }
                finishCompaction();
            } finally {
                store.close();
            }
        }

        void applyBatch() {
            try (ApplyBatch batch = store.beginBatch(leases::contains)) {
                for (int n = 1 + random.nextInt(6); n > 0; n--) {
                    applyOne(batch);
                }
                appliedIndex += 1 + random.nextInt(3);
                if (random.nextInt(20) == 0) {
                    term++;
                }
                List<Event> events = batch.commit(appliedIndex, term);
                List<Event> expected =
                        model.events().subList(modelEventsSeen, model.events().size());
                assertThat(events).isEqualTo(expected);
                modelEventsSeen = model.events().size();
            }
            assertThat(store.state())
                    .isEqualTo(
                            new StoreState(
                                    appliedIndex, term, model.revision(), model.compactRevision()));
        }

        void applyOne(ApplyBatch batch) {
            int pick = random.nextInt(100);
            if (pick < 35) {
                var put = requests.put();
                same(() -> model.put(put, leases::contains), () -> batch.put(put));
            } else if (pick < 50) {
                var delete = requests.deleteRange();
                same(() -> model.deleteRange(delete), () -> batch.deleteRange(delete));
            } else if (pick < 88) {
                TxnRequest txn = requests.txn(model.revision());
                same(() -> model.txn(txn, leases::contains), () -> batch.txn(txn));
            } else if (pick < 96) {
                var compact = requests.compact(model.compactRevision(), model.revision());
                same(() -> model.compact(compact), () -> batch.compact(compact));
            } else {
                long lease = 1 + random.nextInt(2);
                assertThat(batch.revokeLease(lease)).isEqualTo(model.revokeLease(lease));
                leases.remove(lease);
            }
            assertThat(batch.revision()).isEqualTo(model.revision());
        }

        void checkReads() {
            try (ReadView view = store.view()) {
                for (int i = 0; i < 4; i++) {
                    RangeRequest range = requests.range(model.revision());
                    same(() -> model.range(range), () -> view.range(range));
                }
                TxnRequest txn = requests.txn(model.revision());
                if (TxnRunner.isReadOnly(txn)) {
                    same(() -> model.txn(txn, leases::contains), () -> view.txn(txn));
                }
                if (random.nextInt(4) == 0) {
                    checkReplay(view);
                }
            }
        }

        void checkReplay(ReadView view) {
            long from = random.nextLong(model.revision() + 3) - 1;
            ByteString key = requests.key();
            ByteString end = requests.rangeEnd();
            if (from < model.compactRevision()) {
                assertThatThrownBy(() -> view.events(from, key, end, 3))
                        .isInstanceOf(CompactedException.class);
                return;
            }
            List<Event> replayed = new ArrayList<>();
            long next = from;
            while (true) {
                EventPage page = view.events(next, key, end, 1 + random.nextInt(4));
                replayed.addAll(page.events());
                next = page.nextRevision();
                if (page.complete()) {
                    break;
                }
            }
            List<Event> expected =
                    model.events().stream()
                            .filter(e -> e.getKv().getModRevision() >= from)
                            .filter(e -> NaiveStore.inRange(e.getKv().getKey(), key, end))
                            .toList();
            // Below the compact revision etcd keeps only the newest version: a tombstone there, and
            // the events of older versions, may be gone. From the compact revision on all is kept,
            // except that the prev_kv of an event may be a version that compaction removed.
            assertThat(withoutCompactedPrevKv(replayed))
                    .isEqualTo(withoutCompactedPrevKv(expected));
        }

        List<Event> withoutCompactedPrevKv(List<Event> events) {
            return events.stream()
                    .filter(e -> e.getKv().getModRevision() > model.compactRevision())
                    .toList();
        }

        void finishCompaction() {
            KvHash before = store.hash();
            while (!store.compactStep(1 + random.nextInt(50)).isDone()) {
                // each step is bounded; loop until caught up
            }
            assertThat(store.hash()).isEqualTo(before);
            assertThat(physicalVersions(Family.KEY)).isEqualTo(keptVersions());
            assertThat(physicalVersions(Family.REVISION)).isEqualTo(keptVersions());
            for (long revision = model.compactRevision();
                    revision <= model.revision();
                    revision++) {
                RangeRequest all = RandomRequests.allKeysAt(revision);
                assertThat(store.range(all)).isEqualTo(model.range(all));
            }
        }

        /** (main, sub) of every version the store holds in {@code family}. */
        Set<String> physicalVersions(Family family) {
            Set<String> out = new TreeSet<>();
            try (Cursor cursor = store.backend().cursor(family)) {
                for (cursor.seek(new byte[0]); cursor.isValid(); cursor.next()) {
                    byte[] key = cursor.key();
                    out.add(
                            family == Family.KEY
                                    ? VersionKey.main(key) + "." + VersionKey.sub(key)
                                    : RevisionRecord.main(key) + "." + RevisionRecord.sub(key));
                }
            }
            return out;
        }

        /**
         * What compaction at the model's compact revision keeps: see {@link PhysicalCompaction}.
         */
        Set<String> keptVersions() {
            Set<String> out = new TreeSet<>();
            java.util.Map<ByteString, String> newestAtCompaction = new java.util.HashMap<>();
            long main = -1;
            int sub = 0;
            for (Event event : model.events()) {
                long eventMain = event.getKv().getModRevision();
                sub = eventMain == main ? sub + 1 : 0;
                main = eventMain;
                String version = main + "." + sub;
                if (main > model.compactRevision()) {
                    out.add(version);
                } else {
                    newestAtCompaction.put(
                            event.getKv().getKey(),
                            event.getType() == Event.EventType.DELETE ? null : version);
                }
            }
            newestAtCompaction.values().stream().filter(v -> v != null).forEach(out::add);
            return out;
        }

        /** Both sides return equal messages, or both throw the same refusal. */
        static void same(Supplier<? extends Message> expected, Supplier<? extends Message> actual) {
            Message want;
            try {
                want = expected.get();
            } catch (MvccException refusal) {
                assertThatThrownBy(actual::get)
                        .isInstanceOf(refusal.getClass())
                        .hasMessage(refusal.getMessage());
                return;
            }
            assertThat(actual.get()).isEqualTo(want);
        }
    }
}
