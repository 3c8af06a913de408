package io.etcetera.bench.compare;

import io.etcetera.bench.report.Report;
import io.etcetera.bench.report.Summary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Etcetera/etcd table: one row per (members, shape), with the median over repeated runs of
 * each target's requests per second, p50 and p99 latency (of the report's primary summary), and
 * the ratios Etcetera/etcd. A QPS ratio above 1 and latency ratios below 1 mean Etcetera is
 * faster.
 *
 * <p>Runs are reports labelled {@code target} ({@value #ETCD} or {@value #ETCETERA}),
 * {@code members} and {@code shape}; others are ignored. Rows keep the order shapes first appear
 * in, grouped by members ascending. Immutable.
 */
public final class CompareTable {
    /** The reference target's label. */
    public static final String ETCD = "etcd";
    /** Our target's label. */
    public static final String ETCETERA = "etcetera";
    private static final String MISSING = "—";

    private final List<Row> rows;

    /** Median figures of one target for one row; {@code runCount} 0 when it did not run. */
    public record Figures(int runCount, double requestsPerSecond, double p50Seconds,
            double p99Seconds) {
        static final Figures NONE = new Figures(0, 0, 0, 0);
    }

    /** One (members, shape) row. */
    public record Row(int members, String shape, Figures etcd, Figures etcetera) {
        /** Etcetera's QPS over etcd's, or NaN when either did not run. */
        public double qpsRatio() {
            return ratio(etcetera.requestsPerSecond(), etcd.requestsPerSecond());
        }

        /** Etcetera's p50 over etcd's, or NaN. */
        public double p50Ratio() {
            return ratio(etcetera.p50Seconds(), etcd.p50Seconds());
        }

        /** Etcetera's p99 over etcd's, or NaN. */
        public double p99Ratio() {
            return ratio(etcetera.p99Seconds(), etcd.p99Seconds());
        }

        private double ratio(double ours, double theirs) {
            return etcd.runCount() == 0 || etcetera.runCount() == 0 || theirs == 0
                    ? Double.NaN : ours / theirs;
        }
    }

    private CompareTable(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** The table of {@code runs}, in the order given. */
    public static CompareTable of(List<Report> runs) {
        Map<String, Map<String, List<Summary>>> byRowThenTarget = new LinkedHashMap<>();
        for (Report run : runs) {
            String target = run.labels().get("target");
            String members = run.labels().get("members");
            String shape = run.labels().get("shape");
            if (target == null || members == null || shape == null
                    || !(target.equals(ETCD) || target.equals(ETCETERA))) {
                continue;
            }
            List<Summary> runsOfTarget = byRowThenTarget
                    .computeIfAbsent(members + "\t" + shape, key -> new LinkedHashMap<>())
                    .computeIfAbsent(target, key -> new ArrayList<>());
            // A run that measured nothing (e.g. no watch event arrived) has no figures: its cell
            // stays empty rather than showing a QPS of 0 and latencies of 0.
            if (run.primarySummary().requestCount() > 0) {
                runsOfTarget.add(run.primarySummary());
            }
        }
        List<Row> rows = new ArrayList<>();
        byRowThenTarget.forEach((key, byTarget) -> {
            String[] parts = key.split("\t", 2);
            rows.add(new Row(Integer.parseInt(parts[0]), parts[1],
                    medians(byTarget.getOrDefault(ETCD, List.of())),
                    medians(byTarget.getOrDefault(ETCETERA, List.of()))));
        });
        rows.sort(Comparator.comparingInt(Row::members));
        return new CompareTable(rows);
    }

    /** The rows, grouped by members, shapes in first-seen order. */
    public List<Row> rows() {
        return rows;
    }

    /** The table as Markdown; latencies in milliseconds. */
    public String toMarkdown() {
        StringBuilder table = new StringBuilder();
        table.append("| members | shape | runs | etcd QPS | Etcetera QPS | QPS × | etcd p50 ms"
                + " | Etcetera p50 ms | p50 × | etcd p99 ms | Etcetera p99 ms | p99 × |\n");
        table.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            table.append("| ").append(row.members())
                    .append(" | ").append(row.shape())
                    .append(" | ").append(row.etcd().runCount()).append('+')
                    .append(row.etcetera().runCount())
                    .append(" | ").append(qps(row.etcd()))
                    .append(" | ").append(qps(row.etcetera()))
                    .append(" | ").append(ratio(row.qpsRatio()))
                    .append(" | ").append(millis(row.etcd(), row.etcd().p50Seconds()))
                    .append(" | ").append(millis(row.etcetera(), row.etcetera().p50Seconds()))
                    .append(" | ").append(ratio(row.p50Ratio()))
                    .append(" | ").append(millis(row.etcd(), row.etcd().p99Seconds()))
                    .append(" | ").append(millis(row.etcetera(), row.etcetera().p99Seconds()))
                    .append(" | ").append(ratio(row.p99Ratio()))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static Figures medians(List<Summary> runs) {
        if (runs.isEmpty()) {
            return Figures.NONE;
        }
        return new Figures(runs.size(),
                median(runs.stream().mapToDouble(Summary::requestsPerSecond).toArray()),
                median(runs.stream().mapToDouble(s -> s.percentileSeconds(50)).toArray()),
                median(runs.stream().mapToDouble(s -> s.percentileSeconds(99)).toArray()));
    }

    /** The middle value, or the mean of the two middle values of an even count. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String number(Figures figures, double value, String format) {
        return figures.runCount() == 0 ? MISSING : String.format(Locale.ROOT, format, value);
    }

    private static String qps(Figures figures) {
        return number(figures, figures.requestsPerSecond(), "%.0f");
    }

    private static String millis(Figures figures, double seconds) {
        return number(figures, seconds * 1e3, "%.2f");
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? MISSING : String.format(Locale.ROOT, "%.2f", ratio);
    }
}
