package io.etcetera.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

class MeterGroupTest {

    @Test
    void metersReadTheirSourceAtScrapeAndLeaveTheRegistryOnClose() {
        AtomicLong value = new AtomicLong(7);
        MeterGroup group = new MeterGroup()
                .gauge("etcetera_test_group_gauge", "test", Tags.of("k", "v"), value,
                        AtomicLong::get)
                .counter("etcetera_test_group_total", "test", Tags.empty(), value,
                        AtomicLong::get)
                .info("etcetera_test_group_info", "test", "version", "1.2.3");
        value.set(9);
        String scrape = EtcdRegistry.scrape();
        assertThat(scrape).contains("etcetera_test_group_gauge{k=\"v\",} 9.0")
                .contains("etcetera_test_group_total 9.0")
                .contains("etcetera_test_group_info{version=\"1.2.3\",} 1.0");
        group.close();
        assertThat(EtcdRegistry.scrape()).doesNotContain("etcetera_test_group");
        // A later component registers the same names afresh.
        try (MeterGroup next = new MeterGroup().gauge("etcetera_test_group_gauge", "test",
                Tags.of("k", "v"), value, v -> 1)) {
            assertThat(EtcdRegistry.scrape()).contains("etcetera_test_group_gauge{k=\"v\",} 1.0");
        }
    }

    @Test
    void latencyHistogramsHaveExponentialBucketsAndCountObservations() {
        try (MeterGroup group = new MeterGroup()) {
            LatencyHistogram histogram = group.latency("etcetera_test_latency_seconds", "test",
                    Tags.of("To", "1"), 0.001, 2, 3);
            histogram.record(1_500_000); // 1.5ms: above the first bound, below the second
            histogram.observe(histogram.start());
            String scrape = EtcdRegistry.scrape();
            assertThat(scrape)
                    .contains("etcetera_test_latency_seconds_bucket{To=\"1\",le=\"0.002\",} ")
                    .contains("etcetera_test_latency_seconds_bucket{To=\"1\",le=\"0.004\",} 2.0")
                    .contains("etcetera_test_latency_seconds_bucket{To=\"1\",le=\"+Inf\",} 2.0")
                    .contains("etcetera_test_latency_seconds_count{To=\"1\",} 2.0");
            assertThat(histogram.count()).isEqualTo(2);
        }
    }
}
