package io.etcetera.mvcc.watch;

import static io.etcetera.mvcc.watch.WatchFixture.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.watchcheck.WatchChecker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * A client that stops reading: its watchers become victims, its queue stays at its bound, writers
 * and other streams go on as if it were not there; when it reads again it catches up (from recent
 * events or from history) with nothing lost, repeated or reordered. Sync steps are driven here;
 * {@link SyncLoopTest} runs the same with real threads.
 */
class SlowConsumerTest {

    private static final int RESPONSES_MAX = 4;

    @TempDir Path directory;

    private WatchFixture fixture;

    @AfterEach
    void close() {
        fixture.close();
    }

    private void open(int recentEventsMax) {
        fixture =
                new WatchFixture(
                        directory,
                        WatchConfig.builder()
                                .streamLimits(RESPONSES_MAX, 1 << 20, 8)
                                .syncLimits(512, 50, recentEventsMax)
                                .build());
    }

    @Test
    void aStoppedReaderBecomesAVictimAndCatchesUpFromHistory() {
        open(16);
        assertStoppedReaderCatchesUp();
    }

    @Test
    void aStoppedReaderCatchesUpFromRecentEventsWhenTheyStillHoldItsBacklog() {
        open(4096);
        assertStoppedReaderCatchesUp();
    }

    private void assertStoppedReaderCatchesUp() {
        WatchClient slow = fixture.client();
        WatchClient fast = fixture.client();
        slow.create(watch("k/", "k0").setPrevKv(true).build());
        slow.create(watch("k/3").build());
        fast.create(watch("k/", "k0").build());
        slow.drain();
        fast.drain();

        for (int i = 0; i < 300; i++) {
            fixture.put("k/" + (i % 7), "v" + i);
            assertThat(fast.drain()).hasSize(1);
            assertThat(slow.stream.queuedEventResponseCount()).isLessThanOrEqualTo(RESPONSES_MAX);
        }
        fixture.sync();
        assertThat(fixture.watchable.counts()).isEqualTo(new WatchCounts(2, 3, 1, 0, 2));
        assertThat(slow.stream.queuedEventResponseCount()).isEqualTo(RESPONSES_MAX);
        WatchChecker checker = fixture.checker();
        checker.assertComplete(fast.watches());
        checker.assertValid(slow.watches());

        fixture.settle();
        assertThat(fixture.watchable.counts().synced()).isEqualTo(3);
        fixture.assertAllComplete();
        List<Long> eventCounts =
                slow.watches().stream()
                        .map(w -> w.responses().stream().mapToLong(r -> r.getEventsCount()).sum())
                        .toList();
        assertThat(eventCounts).containsExactly(300L, 43L);
        assertThat(slow.received.size()).as("caught up in a few large responses").isLessThan(60);
    }

    /** A client with one watcher, which more events than its stream holds made a victim. */
    private WatchClient victimOfAFullStream() {
        open(4096);
        WatchClient slow = fixture.client();
        slow.create(watch("k").build());
        slow.drain();
        for (int i = 0; i < RESPONSES_MAX + 3; i++) {
            fixture.put("k", "v" + i);
        }
        assertThat(fixture.watchable.counts().victims()).isEqualTo(1);
        return slow;
    }

    @Test
    void aVictimStaysParkedUntilItsStreamHasRoomAgain() {
        WatchClient slow = victimOfAFullStream();
        fixture.sync();
        assertThat(fixture.watchable.counts().victims()).as("stream still full").isEqualTo(1);

        slow.stream.drain(1, response -> {});
        fixture.sync();
        assertThat(fixture.watchable.counts().victims()).as("not yet half empty").isEqualTo(1);
        slow.stream.drain(1, response -> {});
        fixture.sync();
        assertThat(fixture.watchable.counts().synced()).isEqualTo(1);
        assertThat(slow.stream.queuedEventResponseCount()).isEqualTo(RESPONSES_MAX / 2 + 1);
    }

    @Test
    void progressRequestOfAStreamWithAVictimWaitsForItToCatchUp() {
        WatchClient slow = victimOfAFullStream();
        slow.stream.requestProgress();
        fixture.sync();
        assertThat(slow.stream.queuedResponseCount()).isEqualTo(RESPONSES_MAX);
        fixture.settle();
        assertThat(slow.received.get(slow.received.size() - 1).getWatchId())
                .isEqualTo(WatchableStore.NO_WATCH_ID);
        fixture.assertAllComplete();
    }
}
