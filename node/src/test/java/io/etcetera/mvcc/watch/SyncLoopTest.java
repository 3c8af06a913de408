package io.etcetera.mvcc.watch;

import static io.etcetera.mvcc.watch.WatchFixture.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.watchcheck.StreamRecording;
import io.etcetera.watchcheck.WatchSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real threads: a writer playing the apply thread, the {@value SyncLoop#THREAD_NAME} thread,
 * and one consumer thread per stream that drains when signalled. A consumer that stops reading
 * holds up neither the writer nor the other consumer; once it reads again, the sync thread catches
 * its watchers up by itself. No sleeps: threads wait on each other, and the class-level timeout
 * turns a lost wake-up into a failure.
 */
@Timeout(60)
class SyncLoopTest {

    private static final int WRITES = 2_000;

    @TempDir Path directory;

    /** Drains one stream on its own thread whenever the stream signals pending responses. */
    private static final class Consumer {
        final Semaphore signals = new Semaphore(0);
        final StreamRecording recording = new StreamRecording();
        final WatchStream stream;
        long events;

        Consumer(WatchableStore watchable) {
            this.stream = watchable.openStream(signals::release);
        }

        /** Drains until {@code eventsWanted} events arrived; waits for signals in between. */
        void receive(long eventsWanted) throws InterruptedException {
            List<WatchResponse> batch = new ArrayList<>();
            while (events < eventsWanted) {
                signals.acquire();
                while (stream.drain(64, batch::add) == 64) {
                    // more queued
                }
                for (WatchResponse response : batch) {
                    recording.received(response);
                    events += response.getEventsCount();
                }
                batch.clear();
            }
        }
    }

    @Test
    void writersAndOtherStreamsRunOnWhileAConsumerIsStoppedWhichThenCatchesUp() throws Exception {
        WatchConfig config =
                WatchConfig.builder().streamLimits(8, 1 << 20, 8).syncLimits(512, 100, 64).build();
        try (WatchFixture fixture = new WatchFixture(directory, config)) {
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            SyncLoop loop = fixture.watchable.syncLoop(fatal::set);
            Thread sync = new Thread(loop, SyncLoop.THREAD_NAME);
            sync.start();
            Consumer fast = new Consumer(fixture.watchable);
            Consumer slow = new Consumer(fixture.watchable);
            WatchSpec all = WatchSpec.of(watch("k/", "k0").build());
            for (Consumer consumer : List.of(fast, slow)) {
                consumer.recording.sent(all);
                consumer.stream.create(watch("k/", "k0").build());
            }

            Thread writer =
                    new Thread(
                            () -> {
                                for (int i = 0; i < WRITES; i++) {
                                    fixture.put("k/" + (i % 13), "v" + i);
                                }
                            },
                            "apply");
            CountDownLatch fastDone = new CountDownLatch(1);
            Thread fastReader =
                    new Thread(
                            () -> {
                                try {
                                    fast.receive(WRITES);
                                    fastDone.countDown();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "fast-consumer");
            writer.start();
            fastReader.start();
            writer.join();
            fastDone.await();
            assertThat(fixture.watchable.counts().victims()).isEqualTo(1);
            assertThat(slow.stream.queuedEventResponseCount()).isLessThanOrEqualTo(8);

            slow.receive(WRITES);
            loop.stop();
            sync.join();
            assertThat(fatal.get()).isNull();
            assertThat(fixture.watchable.counts().synced()).isEqualTo(2);
            fixture.checker().assertComplete(fast.recording.watches());
            fixture.checker().assertComplete(slow.recording.watches());
            fast.stream.close();
            slow.stream.close();
        }
    }

    @Test
    void theSyncLoopCatchesUpANewWatcherFromHistoryByItselfAndStopsWhenAsked() throws Exception {
        try (WatchFixture fixture = new WatchFixture(directory, WatchConfig.defaults())) {
            for (int i = 0; i < 50; i++) {
                fixture.put("k", "v" + i);
            }
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            SyncLoop loop = fixture.watchable.syncLoop(fatal::set);
            Thread sync = new Thread(loop, SyncLoop.THREAD_NAME);
            sync.start();
            Consumer consumer = new Consumer(fixture.watchable);
            consumer.recording.sent(WatchSpec.of(watch("k").setStartRevision(1).build()));
            consumer.stream.create(watch("k").setStartRevision(1).build());
            consumer.receive(50);
            loop.stop();
            sync.join();
            assertThat(fatal.get()).isNull();
            fixture.checker().assertComplete(consumer.recording.watches());
            consumer.stream.close();
        }
    }

    @Test
    void aFailingStepEndsTheLoopThroughOnFatal() throws Exception {
        try (WatchFixture fixture = new WatchFixture(directory, WatchConfig.defaults())) {
            fixture.put("k", "v");
            IllegalStateException failure = new IllegalStateException("no header on watch-sync");
            WatchableStore watchable =
                    new WatchableStore(
                            fixture.store,
                            WatchConfig.defaults(),
                            fixture.clock,
                            revision -> {
                                if (Thread.currentThread().getName().equals(SyncLoop.THREAD_NAME)) {
                                    throw failure;
                                }
                                return ResponseHeader.newBuilder().setRevision(revision).build();
                            });
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            SyncLoop loop = watchable.syncLoop(fatal::set);
            WatchStream stream = watchable.openStream(() -> {});
            stream.create(watch("k").setStartRevision(1).build());
            Thread sync = new Thread(loop, SyncLoop.THREAD_NAME);
            sync.start();
            sync.join();
            assertThat(fatal.get()).isSameAs(failure);
            stream.close();
        }
    }
}
