package io.etcetera.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one benchmark command prints: its summaries (one per etcd report; {@code txn-mixed}
 * has a read and a write one, {@code watch-latency} a put and an events one), which of them is the
 * headline, the options it ran with, labels given on the command line, and warnings.
 *
 * <p>Two forms: text as etcd's benchmark prints it ({@link #toText}), and JSON ({@link #toJson})
 * that {@link #fromJson} reads back, for the comparison harness. Immutable.
 *
 * @param command   the subcommand ("put", "range", ...)
 * @param labels    {@code --label key=value} pairs, e.g. target=etcd members=3 shape=put-100c
 * @param options   every option and argument the command ran with, by long name
 * @param primary   name of the summary that stands for the run in comparisons
 * @param summaries one per measured kind of request, primary among them
 * @param warnings  what made the run less than complete (e.g. requests still in flight at the end)
 */
public record Report(
        String command,
        Map<String, String> labels,
        Map<String, Object> options,
        String primary,
        List<Summary> summaries,
        List<String> warnings) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Longest bar in the text histogram, in characters (etcd's 40). */
    private static final int HISTOGRAM_BAR_CHARS_MAX = 40;

    /** The summary named {@link #primary}. */
    public Summary primarySummary() {
        for (Summary summary : summaries) {
            if (summary.name().equals(primary)) {
                return summary;
            }
        }
        throw new IllegalStateException("report of " + command + " has no summary " + primary);
    }

    /** This report as indented JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report of " + command + " is not serializable", e);
        }
    }

    /** Reads a report written by {@link #toJson}. */
    public static Report fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, Report.class);
    }

    /** This report as etcd's benchmark prints it, one block per summary. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        for (Summary summary : summaries) {
            if (summaries.size() > 1) {
                text.append('\n').append(summary.name()).append(" summary:");
            }
            appendSummary(text, summary);
        }
        for (String warning : warnings) {
            text.append("\nwarning: ").append(warning).append('\n');
        }
        return text.toString();
    }

    private static void appendSummary(StringBuilder text, Summary summary) {
        if (summary.requestCount() > 0) {
            text.append("\nSummary:\n");
            text.append("  Total:\t").append(secs(summary.totalSeconds())).append(".\n");
            text.append("  Slowest:\t").append(secs(summary.slowestSeconds())).append(".\n");
            text.append("  Fastest:\t").append(secs(summary.fastestSeconds())).append(".\n");
            text.append("  Average:\t").append(secs(summary.averageSeconds())).append(".\n");
            text.append("  Stddev:\t").append(secs(summary.stddevSeconds())).append(".\n");
            text.append("  Requests/sec:\t").append(fixed(summary.requestsPerSecond()))
                    .append('\n');
            appendHistogram(text, summary.histogram());
            text.append("\nLatency distribution:\n");
            for (Summary.Percentile percentile : summary.percentiles()) {
                text.append("  ").append(percent(percentile.percent())).append("% in ")
                        .append(secs(percentile.seconds())).append(".\n");
            }
        }
        if (!summary.errorCounts().isEmpty()) {
            text.append("\nError distribution:\n");
            summary.errorCounts().forEach((message, count) ->
                    text.append("  [").append(count).append("]\t").append(message).append('\n'));
        }
    }

    private static void appendHistogram(StringBuilder text, List<Summary.HistogramBucket> buckets) {
        long countMax = buckets.stream().mapToLong(Summary.HistogramBucket::count).max().orElse(0);
        text.append("\nResponse time histogram:\n");
        for (Summary.HistogramBucket bucket : buckets) {
            int barChars = countMax == 0
                    ? 0 : (int) (bucket.count() * HISTOGRAM_BAR_CHARS_MAX / countMax);
            text.append("  ").append(fixed(bucket.seconds())).append(" [").append(bucket.count())
                    .append("]\t|").append("∎".repeat(barChars)).append('\n');
        }
    }

    private static String secs(double seconds) {
        return fixed(seconds) + " secs";
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%4.4f", value);
    }

    /** 10 → "10", 99.9 → "99.9", as Go's %v prints them. */
    private static String percent(double percent) {
        return percent == Math.rint(percent)
                ? Long.toString((long) percent) : Double.toString(percent);
    }
}
