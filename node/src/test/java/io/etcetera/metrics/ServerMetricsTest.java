package io.etcetera.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {

    @Test
    void onlyAnApplySlowerThanEtcdsThresholdIsCountedAndReported() {
        double before = ServerMetrics.SLOW_APPLY_TOTAL.count();
        assertThat(ServerMetrics.applied(ServerMetrics.applyStarted())).isZero();
        assertThat(ServerMetrics.SLOW_APPLY_TOTAL.count()).isEqualTo(before);
        long startedLongAgo = System.nanoTime() - ServerMetrics.SLOW_APPLY.toNanos() - 1_000_000;
        assertThat(ServerMetrics.applied(startedLongAgo))
                .isGreaterThan(ServerMetrics.SLOW_APPLY.toNanos());
        assertThat(ServerMetrics.SLOW_APPLY_TOTAL.count()).isEqualTo(before + 1);
    }
}
