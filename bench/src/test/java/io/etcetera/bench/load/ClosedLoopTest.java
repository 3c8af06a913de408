package io.etcetera.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.bench.report.LatencyRecorder;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {
    private final ExecutorService responders = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopResponders() {
        responders.shutdownNow();
    }

    @Test
    void everyRequestRunsOnceWithAtMostOneInFlightPerClient() throws InterruptedException {
        int clientCount = 8;
        int requestTotal = 20_000;
        LatencyRecorder recorder = new LatencyRecorder("put");
        BitSet started = new BitSet(requestTotal);
        AtomicIntegerArray inFlight = new AtomicIntegerArray(clientCount);
        AtomicInteger overlaps = new AtomicInteger();
        ClosedLoop loop = new ClosedLoop(clientCount, requestTotal, RateLimiter.perSecond(0), null);

        loop.run((client, sequence, done) -> {
            synchronized (started) {
                assertThat(started.get((int) sequence)).isFalse();
                started.set((int) sequence);
            }
            if (inFlight.incrementAndGet(client) > 1) {
                overlaps.incrementAndGet();
            }
            responders.execute(() -> {
                inFlight.decrementAndGet(client);
                done.succeeded(recorder);
            });
        }, recorder);

        assertThat(started.cardinality()).isEqualTo(requestTotal);
        assertThat(overlaps.get()).isZero();
        assertThat(loop.completedCount()).isEqualTo(requestTotal);
        assertThat(recorder.summarize().requestCount()).isEqualTo(requestTotal);
        assertThat(loop.warnings()).isEmpty();
    }

    @Test
    void requestsThatCompleteInsideStartDoNotGrowTheStack() throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder("range");
        ClosedLoop loop = new ClosedLoop(1, 1_000_000, RateLimiter.perSecond(0), null);

        loop.run((client, sequence, done) -> done.succeeded(recorder), recorder);

        assertThat(recorder.completedCount()).isEqualTo(1_000_000);
    }

    @Test
    void failuresAreRecordedAsErrorsAndTheClientsGoOn() throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder("put");
        ClosedLoop loop = new ClosedLoop(4, 100, RateLimiter.perSecond(0), null);

        loop.run((client, sequence, done) -> {
            if (sequence % 2 == 0) {
                done.failed(recorder, new IllegalStateException("even"));
            } else {
                responders.execute(() -> done.succeeded(recorder));
            }
        }, recorder);

        assertThat(recorder.summarize().requestCount()).isEqualTo(50);
        assertThat(recorder.summarize().errorCounts())
                .containsEntry("java.lang.IllegalStateException: even", 50L);
    }

    @Test
    void noRequestStartsAfterTheDeadline() throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder("put");
        ClosedLoop loop = new ClosedLoop(4, 100, RateLimiter.perSecond(0), Duration.ZERO);

        loop.run((client, sequence, done) -> done.succeeded(recorder), recorder);

        assertThat(loop.completedCount()).isZero();
    }

    @Test
    void rateLimitSpacesTheRequests() throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder("put");
        ClosedLoop loop = new ClosedLoop(4, 21, RateLimiter.perSecond(200), null);
        long startNanos = System.nanoTime();

        loop.run((client, sequence, done) -> done.succeeded(recorder), recorder);

        // 21 requests at 200/s: the last starts 20 intervals of 5 ms after the first.
        assertThat(System.nanoTime() - startNanos).isGreaterThanOrEqualTo(100_000_000L);
        assertThat(recorder.completedCount()).isEqualTo(21);
    }

    @Test
    void anOperationThatThrowsFailsTheRun() {
        LatencyRecorder recorder = new LatencyRecorder("put");
        ClosedLoop loop = new ClosedLoop(2, 100, RateLimiter.perSecond(0), null);

        assertThatThrownBy(() -> loop.run((client, sequence, done) -> {
            throw new UnsupportedOperationException("bug");
        }, recorder)).isInstanceOf(IllegalStateException.class).hasMessageContaining("bug");
    }

    @Test
    void aRequestCompletedTwiceIsAProgrammingError() {
        LatencyRecorder recorder = new LatencyRecorder("put");
        ClosedLoop loop = new ClosedLoop(1, 1, RateLimiter.perSecond(0), null);

        assertThatThrownBy(() -> loop.run((client, sequence, done) -> {
            done.succeeded(recorder);
            done.succeeded(recorder);
        }, recorder)).hasMessageContaining("completed twice");
    }
}
