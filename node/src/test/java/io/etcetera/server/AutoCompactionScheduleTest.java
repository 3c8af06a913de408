package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.config.AutoCompaction;

import org.junit.jupiter.api.Test;

import java.time.Duration;

/** etcd 3.4's compactor timing, driven by a clock given as numbers. */
class AutoCompactionScheduleTest {

    @Test
    void periodicCompactsToTheRevisionOfOnePeriodAgoOnceAPeriodPassed() {
        AutoCompaction tenSeconds =
                new AutoCompaction(AutoCompaction.Mode.PERIODIC, Duration.ofSeconds(10), 0);
        AutoCompactionSchedule schedule = new AutoCompactionSchedule(tenSeconds, 0);
        long now = 0;
        long revision = 100;
        // Samples every second; nothing is due during the first period.
        for (int i = 0; i < 10; i++) {
            assertThat(schedule.nextCheckMillis()).isEqualTo(now);
            assertThat(schedule.check(now, revision, true)).isZero();
            now += 1000;
            revision += 10;
        }
        assertThat(schedule.check(now, revision, true)).as("the sample of 10 s ago").isEqualTo(100);
        schedule.succeeded(now, 100);
        // From now on every period (at most an hour): the next one after 10 more seconds.
        for (int i = 0; i < 9; i++) {
            now += 1000;
            revision += 10;
            assertThat(schedule.check(now, revision, true)).isZero();
        }
        now += 1000;
        revision += 10;
        // As etcd's: the oldest of the 11 samples, taken 11 s ago (at 9 s, revision 190).
        assertThat(schedule.check(now, revision, true)).isEqualTo(190);
    }

    @Test
    void aFollowerSamplesButNeverCompacts() {
        AutoCompaction oneSecond =
                new AutoCompaction(AutoCompaction.Mode.PERIODIC, Duration.ofSeconds(1), 0);
        AutoCompactionSchedule schedule = new AutoCompactionSchedule(oneSecond, 0);
        for (long now = 0; now <= 5000; now += 100) {
            assertThat(schedule.check(now, now, false)).isZero();
        }
        assertThat(schedule.check(5100, 5100, true)).as("leader now: the oldest of 11 samples")
                .isEqualTo(4000);
    }

    @Test
    void revisionModeKeepsTheRetainedRevisionsEveryFiveMinutes() {
        AutoCompaction keep100 = new AutoCompaction(AutoCompaction.Mode.REVISION, Duration.ZERO,
                100);
        AutoCompactionSchedule schedule = new AutoCompactionSchedule(keep100, 0);
        assertThat(schedule.check(0, 1000, true)).as("etcd waits one interval first").isZero();
        long interval = AutoCompactionSchedule.REVISION_INTERVAL_MILLIS;
        assertThat(schedule.nextCheckMillis()).isEqualTo(interval);
        assertThat(schedule.check(interval, 1000, true)).isEqualTo(900);
        schedule.succeeded(interval, 900);
        assertThat(schedule.check(2 * interval, 1000, true)).as("same revision again").isZero();
        assertThat(schedule.check(3 * interval, 50, true)).as("not positive").isZero();
        assertThat(schedule.check(4 * interval, 1500, true)).isEqualTo(1400);
    }
}
