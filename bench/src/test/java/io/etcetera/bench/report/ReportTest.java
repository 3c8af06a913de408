package io.etcetera.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static Report putReport() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("total", 100);
        options.put("endpoints", List.of("127.0.0.1:2379"));
        return new Report("put", Map.of("target", "etcd"), options, "put",
                List.of(SummaryTest.oneToHundredMillis().summarize()), List.of());
    }

    @Test
    void textIsEtcdsReport() {
        String text = putReport().toText();

        assertThat(text).contains("\nSummary:\n  Total:\t2.0000 secs.\n");
        assertThat(text).contains("  Requests/sec:\t50.0000\n");
        assertThat(text).contains("\nResponse time histogram:\n");
        assertThat(text).contains("\nLatency distribution:\n  10% in 0.0100 secs.\n");
        assertThat(text).contains("  99.9% in 0.1000 secs.\n");
        // Bars are scaled to the fullest bucket: 10 → 40 characters, 9 → 36, 1 → 4.
        assertThat(text).contains(" [10]\t|" + "∎".repeat(40) + "\n");
        assertThat(text).contains(" [9]\t|" + "∎".repeat(36) + "\n");
        assertThat(text).contains(" [1]\t|" + "∎".repeat(4) + "\n");
        assertThat(text).doesNotContain("Error distribution");
    }

    @Test
    void textNamesEachSummaryWhenThereAreSeveralAndListsErrorsAndWarnings() {
        LatencyRecorder failing = new LatencyRecorder("txn-mixed-write");
        failing.start(0);
        failing.recordError(1, "boom");
        Summary reads = SummaryTest.oneToHundredMillis().summarize();
        Report report = new Report("txn-mixed", Map.of(), Map.of(), "txn-mixed-write",
                List.of(reads, failing.summarize()), List.of("2 requests got no response"));

        String text = report.toText();

        assertThat(text).contains("\nput summary:\nSummary:");
        assertThat(text).contains("\ntxn-mixed-write summary:\nError distribution:\n  [1]\tboom\n");
        assertThat(text).contains("warning: 2 requests got no response");
    }

    @Test
    void jsonReadsBackAsTheSameReport() throws Exception {
        Report report = putReport();

        Report read = Report.fromJson(report.toJson());

        assertThat(read).isEqualTo(report);
        assertThat(read.primarySummary().requestsPerSecond()).isEqualTo(50.0);
    }

    @Test
    void primaryMustBeOneOfTheSummaries() {
        Report report = new Report("put", Map.of(), Map.of(), "range",
                List.of(SummaryTest.oneToHundredMillis().summarize()), List.of());

        assertThatThrownBy(report::primarySummary).isInstanceOf(IllegalStateException.class);
    }
}
