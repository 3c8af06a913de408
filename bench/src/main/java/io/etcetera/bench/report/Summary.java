package io.etcetera.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One etcd-style report of a run: the figures etcd's benchmark prints (total, slowest, fastest,
 * average, stddev, requests/sec, a ten-bucket latency histogram, percentiles 10 … 99.9) and the
 * error counts. Times are in seconds; latency figures cover successful requests only, as etcd's do.
 *
 * <p>Derived from an HdrHistogram, so each latency figure is within 0.1% of the exact value:
 * fastest is the lowest value equivalent to the smallest latency, slowest the highest value
 * equivalent to the largest, a percentile p the smallest recorded value with at least p% of the
 * latencies at or below it.
 *
 * <p>Invariant: the histogram's counts add up to {@code requestCount}. Immutable.
 *
 * @param name          what was measured ("put", "range", "watch-latency-events", ...)
 * @param requestCount  successful requests (or events), the ones with a latency
 * @param errorCount    failed requests
 * @param errorCounts   failed requests by error message
 * @param totalSeconds  from the start of the run to the last completion
 * @param requestsPerSecond {@code requestCount / totalSeconds}, as etcd computes it
 * @param percentiles   latency at {@link #PERCENTS}, in that order
 * @param histogram     eleven marks from fastest to slowest with the count at or below each mark
 *                      and above the previous one, as etcd's "Response time histogram"
 */
public record Summary(
        String name,
        long requestCount,
        long errorCount,
        Map<String, Long> errorCounts,
        double totalSeconds,
        double slowestSeconds,
        double fastestSeconds,
        double averageSeconds,
        double stddevSeconds,
        double requestsPerSecond,
        List<Percentile> percentiles,
        List<HistogramBucket> histogram) {

    /** The percentiles etcd's report prints. */
    public static final List<Double> PERCENTS =
            List.of(10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9);
    /** Intervals between fastest and slowest in the histogram (etcd's ten, so eleven marks). */
    static final int HISTOGRAM_INTERVALS = 10;
    private static final double NANOS_PER_SECOND = 1e9;

    /** A latency at one percentile. */
    public record Percentile(double percent, double seconds) {}

    /** One histogram mark: how many latencies are at or below it and above the previous mark. */
    public record HistogramBucket(double seconds, long count) {}

    /**
     * Summarizes {@code latencyNanos} (successful requests) over a run of {@code elapsedNanos} that
     * also had the given errors.
     */
    public static Summary of(
            String name,
            AbstractHistogram latencyNanos,
            long elapsedNanos,
            Map<String, Long> errorCounts) {
        long errorCount = errorCounts.values().stream().mapToLong(Long::longValue).sum();
        long count = latencyNanos.getTotalCount();
        double totalSeconds = elapsedNanos / NANOS_PER_SECOND;
        if (count == 0) {
            return new Summary(name, 0, errorCount, Map.copyOf(errorCounts), totalSeconds,
                    0, 0, 0, 0, 0, List.of(), List.of());
        }
        long fastestNanos = latencyNanos.getMinValue();
        long slowestNanos = latencyNanos.getMaxValue();
        List<Percentile> percentiles = new ArrayList<>();
        for (double percent : PERCENTS) {
            long nanos = latencyNanos.getValueAtPercentile(percent);
            percentiles.add(new Percentile(percent, seconds(nanos)));
        }
        return new Summary(
                name,
                count,
                errorCount,
                Map.copyOf(errorCounts),
                totalSeconds,
                seconds(slowestNanos),
                seconds(fastestNanos),
                latencyNanos.getMean() / NANOS_PER_SECOND,
                latencyNanos.getStdDeviation() / NANOS_PER_SECOND,
                totalSeconds > 0 ? count / totalSeconds : 0,
                List.copyOf(percentiles),
                histogram(latencyNanos, fastestNanos, slowestNanos));
    }

    /** The latency at {@code percent}, which must be one of {@link #PERCENTS}. */
    public double percentileSeconds(double percent) {
        for (Percentile percentile : percentiles) {
            if (percentile.percent() == percent) {
                return percentile.seconds();
            }
        }
        if (requestCount == 0) {
            return 0;
        }
        throw new IllegalArgumentException("percentile " + percent + " is not one of " + PERCENTS);
    }

    /**
     * etcd's histogram: marks at fastest + i × (slowest − fastest) / 10 for i in 0..9, then
     * slowest; each latency is counted at the first mark at or above it. Latencies are placed by
     * the lowest value equivalent to them in the HdrHistogram, the same rounding that gives
     * fastest.
     */
    private static List<HistogramBucket> histogram(
            AbstractHistogram latencyNanos, long fastestNanos, long slowestNanos) {
        long[] marks = new long[HISTOGRAM_INTERVALS + 1];
        double widthNanos = (slowestNanos - fastestNanos) / (double) HISTOGRAM_INTERVALS;
        for (int i = 0; i < HISTOGRAM_INTERVALS; i++) {
            marks[i] = fastestNanos + Math.round(widthNanos * i);
        }
        marks[HISTOGRAM_INTERVALS] = slowestNanos;
        long[] counts = new long[marks.length];
        int bucket = 0;
        for (HistogramIterationValue value : latencyNanos.recordedValues()) {
            long nanos = latencyNanos.lowestEquivalentValue(value.getValueIteratedTo());
            while (nanos > marks[bucket] && bucket < HISTOGRAM_INTERVALS) {
                bucket++;
            }
            counts[bucket] += value.getCountAddedInThisIterationStep();
        }
        List<HistogramBucket> buckets = new ArrayList<>(marks.length);
        for (int i = 0; i < marks.length; i++) {
            buckets.add(new HistogramBucket(seconds(marks[i]), counts[i]));
        }
        return List.copyOf(buckets);
    }

    private static double seconds(long nanos) {
        return nanos / NANOS_PER_SECOND;
    }
}
