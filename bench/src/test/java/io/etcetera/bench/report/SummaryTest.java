package io.etcetera.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {
    private static final long MILLIS = 1_000_000;
    /** HdrHistogram with three significant digits is within 0.1%; allow a little more. */
    private static final double PRECISION_PERCENT = 0.15;

    /** Latencies 1, 2, ..., 100 ms, the last ending 2 s after the start. */
    static LatencyRecorder oneToHundredMillis() {
        LatencyRecorder recorder = new LatencyRecorder("put");
        recorder.start(0);
        for (int i = 1; i <= 100; i++) {
            recorder.recordLatency(i * 20 * MILLIS, i * MILLIS);
        }
        return recorder;
    }

    @Test
    void summarizesOneToHundredMillisAsEtcdDefinesEachFigure() {
        Summary summary = oneToHundredMillis().summarize();

        assertThat(summary.name()).isEqualTo("put");
        assertThat(summary.requestCount()).isEqualTo(100);
        assertThat(summary.errorCount()).isZero();
        assertThat(summary.totalSeconds()).isEqualTo(2.0);
        assertThat(summary.requestsPerSecond()).isEqualTo(50.0);
        assertThat(summary.fastestSeconds()).isCloseTo(0.001, withinPercentage(PRECISION_PERCENT));
        assertThat(summary.slowestSeconds()).isCloseTo(0.100, withinPercentage(PRECISION_PERCENT));
        assertThat(summary.averageSeconds()).isCloseTo(0.0505, withinPercentage(PRECISION_PERCENT));
        // Population standard deviation of 1..100 is sqrt((100² − 1) / 12) = 28.866 ms.
        assertThat(summary.stddevSeconds())
                .isCloseTo(0.028866, withinPercentage(PRECISION_PERCENT));
    }

    @Test
    void percentileIsTheSmallestLatencyWithThatShareAtOrBelowIt() {
        Summary summary = oneToHundredMillis().summarize();

        assertThat(summary.percentiles()).extracting(Summary.Percentile::percent)
                .containsExactly(10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9);
        double[] expectedMillis = {10, 25, 50, 75, 90, 95, 99, 100};
        for (int i = 0; i < expectedMillis.length; i++) {
            assertThat(summary.percentiles().get(i).seconds())
                    .isCloseTo(expectedMillis[i] / 1e3, withinPercentage(PRECISION_PERCENT));
        }
        assertThat(summary.percentileSeconds(50)).isEqualTo(summary.percentiles().get(2).seconds());
        assertThatThrownBy(() -> summary.percentileSeconds(42))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void histogramCountsEachLatencyAtTheFirstMarkAtOrAboveIt() {
        Summary summary = oneToHundredMillis().summarize();

        // Marks 1, 10.9, 20.8, ..., 90.1 ms, then 100 ms: 1 at the first, 2..10 at the second,
        // ten at each after.
        assertThat(summary.histogram()).extracting(Summary.HistogramBucket::count)
                .containsExactly(1L, 9L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L);
        assertThat(summary.histogram().get(1).seconds()).isCloseTo(0.0109, within(1e-5));
        assertThat(summary.histogram().get(10).seconds()).isEqualTo(summary.slowestSeconds());
        assertThat(summary.histogram().stream().mapToLong(Summary.HistogramBucket::count).sum())
                .isEqualTo(summary.requestCount());
    }

    @Test
    void histogramOfEqualLatenciesPutsAllAtTheFirstMark() {
        LatencyRecorder recorder = new LatencyRecorder("range");
        recorder.start(0);
        for (int i = 0; i < 7; i++) {
            recorder.recordLatency(MILLIS, 3 * MILLIS);
        }

        Summary summary = recorder.summarize();

        assertThat(summary.histogram().get(0).count()).isEqualTo(7);
        assertThat(summary.fastestSeconds()).isEqualTo(summary.histogram().get(0).seconds());
        assertThat(summary.stddevSeconds()).isZero();
    }

    @Test
    void errorsAreCountedByMessageAndLeaveLatenciesOut() {
        LatencyRecorder recorder = new LatencyRecorder("put");
        recorder.start(0);
        recorder.recordError(MILLIS, "rpc error: code = UNAVAILABLE desc = io exception");
        recorder.recordError(2 * MILLIS, "rpc error: code = UNAVAILABLE desc = io exception");
        recorder.recordError(3 * MILLIS, "lease not found");

        Summary summary = recorder.summarize();

        assertThat(recorder.completedCount()).isEqualTo(3);
        assertThat(summary.requestCount()).isZero();
        assertThat(summary.errorCount()).isEqualTo(3);
        assertThat(summary.errorCounts()).isEqualTo(Map.of(
                "rpc error: code = UNAVAILABLE desc = io exception", 2L, "lease not found", 1L));
        assertThat(summary.requestsPerSecond()).isZero();
        assertThat(summary.percentiles()).isEmpty();
        assertThat(summary.histogram()).isEmpty();
        assertThat(summary.percentileSeconds(99)).isZero();
    }

    @Test
    void latencyAboveTheMaximumIsRecordedAsTheMaximum() {
        LatencyRecorder recorder = new LatencyRecorder("watch");
        recorder.start(0);
        recorder.recordLatency(1, 10 * LatencyRecorder.LATENCY_NANOS_MAX);

        assertThat(recorder.summarize().slowestSeconds())
                .isCloseTo(LatencyRecorder.LATENCY_NANOS_MAX / 1e9, withinPercentage(0.1));
    }

    @Test
    void startForgetsWhatAWarmUpRecorded() {
        LatencyRecorder recorder = oneToHundredMillis();
        recorder.recordError(1, "warm-up error");

        recorder.start(5 * MILLIS);
        recorder.recordLatency(7 * MILLIS, 2 * MILLIS);
        Summary summary = recorder.summarize();

        assertThat(recorder.completedCount()).isEqualTo(1);
        assertThat(summary.requestCount()).isEqualTo(1);
        assertThat(summary.errorCounts()).isEmpty();
        assertThat(summary.totalSeconds()).isEqualTo(0.002);
        assertThat(summary.slowestSeconds()).isCloseTo(0.002, withinPercentage(PRECISION_PERCENT));
    }

    @Test
    void summaryBeforeStartIsRefused() {
        assertThatThrownBy(() -> new LatencyRecorder("put").summarize())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before start");
    }

    @Test
    void percentsAreEtcds() {
        assertThat(Summary.PERCENTS)
                .isEqualTo(List.of(10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9));
    }
}
