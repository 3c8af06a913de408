package io.etcetera.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.etcetera.bench.report.Report;
import io.etcetera.bench.report.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareTableTest {
    /** A run whose primary summary has the given QPS and p50/p99 in milliseconds. */
    private static Report run(String target, int members, String shape, double qps,
            double p50Millis, double p99Millis) {
        return run(target, members, shape, 1000, qps, p50Millis, p99Millis);
    }

    private static Report run(String target, int members, String shape, long requestCount,
            double qps, double p50Millis, double p99Millis) {
        List<Summary.Percentile> percentiles = new ArrayList<>();
        for (double percent : Summary.PERCENTS) {
            double millis = percent == 50 ? p50Millis : percent == 99 ? p99Millis : 1;
            percentiles.add(new Summary.Percentile(percent, millis / 1e3));
        }
        Summary summary = new Summary("put", requestCount, 0, Map.of(), 1000 / qps, 0.1,
                0.001, 0.01, 0.001, qps, percentiles, List.of());
        return new Report("put", Map.of("target", target, "members", Integer.toString(members),
                "shape", shape), Map.of(), "put", List.of(summary), List.of());
    }

    @Test
    void rowsHoldMediansOfRepeatedRunsAndEtceteraOverEtcdRatios() {
        CompareTable table = CompareTable.of(List.of(
                run("etcd", 1, "put-1c", 100, 2, 9),
                run("etcetera", 1, "put-1c", 300, 1, 4),
                run("etcd", 1, "put-1c", 300, 4, 10),
                run("etcetera", 1, "put-1c", 500, 3, 6),
                run("etcd", 1, "put-1c", 200, 3, 20)));

        CompareTable.Row row = table.rows().get(0);

        assertThat(row.etcd()).isEqualTo(new CompareTable.Figures(3, 200, 0.003, 0.010));
        assertThat(row.etcetera().runCount()).isEqualTo(2);
        assertThat(row.etcetera().requestsPerSecond()).isEqualTo(400);
        assertThat(row.qpsRatio()).isEqualTo(2.0);
        assertThat(row.p50Ratio()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(row.p99Ratio()).isCloseTo(0.5, within(1e-9));
        assertThat(table.toMarkdown()).contains("| 1 | put-1c | 3+2 | 200 | 400 | 2.00"
                + " | 3.00 | 2.00 | 0.67 | 10.00 | 5.00 | 0.50 |");
    }

    @Test
    void aTargetThatDidNotRunLeavesItsCellsAndRatiosEmpty() {
        CompareTable table = CompareTable.of(List.of(run("etcd", 3, "range-s", 5000, 1, 2)));

        CompareTable.Row row = table.rows().get(0);

        assertThat(row.etcetera().runCount()).isZero();
        assertThat(row.qpsRatio()).isNaN();
        assertThat(table.toMarkdown())
                .contains("| 3 | range-s | 1+0 | 5000 | — | — | 1.00 | — | — | 2.00 | — | — |");
    }

    @Test
    void aRunThatMeasuredNothingLeavesItsCellsEmpty() {
        CompareTable table = CompareTable.of(List.of(
                run("etcd", 1, "watch-latency", 5000, 1, 2),
                run("etcetera", 1, "watch-latency", 0, 0, 0, 0)));

        CompareTable.Row row = table.rows().get(0);

        assertThat(row.etcetera().runCount()).isZero();
        assertThat(table.toMarkdown()).contains(
                "| 1 | watch-latency | 1+0 | 5000 | — | — | 1.00 | — | — | 2.00 | — | — |");
    }

    @Test
    void rowsGoByMembersThenShapesInFirstSeenOrderAndUnlabelledRunsAreIgnored() {
        Report unlabelled = new Report("put", Map.of(), Map.of(), "put",
                run("etcd", 1, "x", 1, 1, 1).summaries(), List.of());
        CompareTable table = CompareTable.of(List.of(
                run("etcd", 3, "put-1c", 1, 1, 1),
                run("etcd", 1, "watch-latency", 1, 1, 1),
                run("etcd", 1, "put-1c", 1, 1, 1),
                run("other", 1, "range-l", 1, 1, 1),
                unlabelled));

        assertThat(table.rows()).extracting(r -> r.members() + " " + r.shape())
                .containsExactly("1 watch-latency", "1 put-1c", "3 put-1c");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(CompareTable.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(CompareTable.median(new double[] {7})).isEqualTo(7);
    }
}
