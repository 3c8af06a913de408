package io.etcetera.mvcc.watch;

import static io.etcetera.mvcc.watch.WatchFixture.bytes;
import static io.etcetera.mvcc.watch.WatchFixture.putRequest;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.watchcheck.ObservedWatch;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Seeded random runs of everything at once on a real store: puts, deletes, txns and compactions;
 * watchers created over every range form at past, current and future revisions, with filters,
 * prev_kv, fragments, chosen and duplicate IDs; cancels and progress requests; clients that stop
 * reading for a while; small stream and sync limits so that victims, pages and fragments happen
 * often. Throughout, each stream's queue stays bounded; at the end every watcher is checked against
 * the committed history by the watch checker, complete.
 *
 * <p>A failure names its seed; rerun one with {@code -Dtest='WatchPropertyTest' -Dwatch.seed=N}.
 */
class WatchPropertyTest {

    private static final String[] KEYS = {
        "a", "a/1", "a/2", "a/3", "b", "b/1", "c", "\0", "\u00ff"
    };
    private static final int STEPS = 400;
    private static final int CLIENTS = 3;
    private static final long EVENT_RESPONSE_BYTES_MAX = 16 << 10;

    @TempDir Path directory;

    static LongStream seeds() {
        String seed = System.getProperty("watch.seed");
        return seed != null ? LongStream.of(Long.parseLong(seed)) : LongStream.rangeClosed(1, 12);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void watchersSeeExactlyTheCommittedHistory(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        WatchConfig config =
                WatchConfig.builder()
                        .streamLimits(2 + random.nextInt(6), 1024 + random.nextInt(8 << 10), 8)
                        .syncLimits(
                                1 + random.nextInt(4), 1 + random.nextInt(5), random.nextInt(20))
                        .fragmentBytesMax(100 + random.nextInt(500))
                        .progressNotifyInterval(Duration.ofMillis(100))
                        .build();
        try (WatchFixture fixture = new WatchFixture(directory, config)) {
            List<WatchClient> clients = new ArrayList<>();
            boolean[] stopped = new boolean[CLIENTS];
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(fixture.client());
            }
            for (int step = 0; step < STEPS; step++) {
                int client = random.nextInt(CLIENTS);
                int pick = random.nextInt(100);
                if (pick < 37) {
                    write(fixture, random);
                } else if (pick < 38) {
                    compact(fixture, random);
                } else if (pick < 52) {
                    clients.get(client).create(createRequest(fixture, random));
                } else if (pick < 55) {
                    cancelOne(clients.get(client), random);
                } else if (pick < 58) {
                    clients.get(client).stream.requestProgress();
                } else if (pick < 78) {
                    if (!stopped[client]) {
                        clients.get(client).drain();
                    }
                } else if (pick < 92) {
                    fixture.watchable.syncStep();
                } else if (pick < 96) {
                    stopped[client] = !stopped[client];
                } else {
                    fixture.clock.advance(Duration.ofMillis(random.nextInt(300)));
                }
                for (WatchClient each : clients) {
                    assertBounded(each.stream, config);
                }
            }
            fixture.settle();
            fixture.assertAllComplete();
            assertThat(clients.stream().mapToInt(c -> c.watches().size()).sum()).isPositive();
        }
    }

    /** Memory per stream: at most the limits, plus one oversized offer into an empty queue. */
    private static void assertBounded(WatchStream stream, WatchConfig config) {
        assertThat(stream.queuedEventResponseCount())
                .isLessThanOrEqualTo(config.streamResponsesMax() + 16);
        assertThat(stream.queuedEventBytes())
                .isLessThanOrEqualTo(config.streamBytesMax() + EVENT_RESPONSE_BYTES_MAX);
    }

    private static String key(SplittableRandom random) {
        return KEYS[random.nextInt(KEYS.length)];
    }

    private static void write(WatchFixture fixture, SplittableRandom random) {
        int pick = random.nextInt(10);
        if (pick < 5) {
            fixture.put(key(random), "v".repeat(random.nextInt(100)));
        } else if (pick < 7) {
            fixture.delete(key(random));
        } else if (pick < 8) {
            String from = key(random);
            String to = key(random) + "0";
            fixture.apply(
                    batch ->
                            batch.deleteRange(
                                    DeleteRangeRequest.newBuilder()
                                            .setKey(bytes(from))
                                            .setRangeEnd(bytes(to))
                                            .build()));
        } else {
            TxnRequest.Builder txn = TxnRequest.newBuilder();
            List<String> used = new ArrayList<>();
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                String key = key(random);
                if (!used.contains(key)) {
                    used.add(key);
                    txn.addSuccess(RequestOp.newBuilder().setRequestPut(putRequest(key, "t" + i)));
                }
            }
            fixture.apply(batch -> batch.txn(txn.build()));
        }
    }

    private static void compact(WatchFixture fixture, SplittableRandom random) {
        long compacted = Math.max(0, fixture.store.state().compactRevision());
        long current = fixture.revision();
        if (current > compacted + 1) {
            fixture.compact(compacted + 1 + random.nextLong((current - compacted) / 2));
        }
    }

    private static WatchCreateRequest createRequest(WatchFixture fixture, SplittableRandom random) {
        WatchCreateRequest.Builder request =
                WatchCreateRequest.newBuilder().setKey(bytes(key(random)));
        int form = random.nextInt(4);
        if (form == 1) {
            request.setRangeEnd(bytes("\0"));
        } else if (form >= 2) {
            request.setRangeEnd(bytes(key(random) + (form == 2 ? "0" : "")));
        }
        int start = random.nextInt(3);
        if (start == 1) {
            request.setStartRevision(1 + random.nextLong(fixture.revision() + 3));
        } else if (start == 2) {
            request.setStartRevision(Math.max(1, fixture.revision() - random.nextInt(3)));
        }
        if (random.nextInt(4) == 0) {
            request.addFilters(
                    random.nextBoolean()
                            ? WatchCreateRequest.FilterType.NOPUT
                            : WatchCreateRequest.FilterType.NODELETE);
        }
        request.setPrevKv(random.nextBoolean()).setProgressNotify(random.nextInt(3) == 0);
        long chosenId = random.nextInt(4) == 0 ? 1 + random.nextInt(6) : 0;
        return WatchFields.withIdAndFragment(request.build(), chosenId, random.nextBoolean());
    }

    private static void cancelOne(WatchClient client, SplittableRandom random) {
        List<ObservedWatch> live =
                client.watches().stream().filter(watch -> !watch.isCanceled()).toList();
        if (!live.isEmpty()) {
            WatchResponse created = live.get(random.nextInt(live.size())).responses().get(0);
            client.stream.cancel(created.getWatchId());
        }
    }
}
