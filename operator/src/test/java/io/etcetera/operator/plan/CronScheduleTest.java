package io.etcetera.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CronScheduleTest {

    @ParameterizedTest
    @CsvSource({
        "'0 */6 * * *',   2026-03-10T13:27:00Z, 2026-03-10T12:00:00Z",
        "'*/15 * * * *',  2026-03-10T13:27:30Z, 2026-03-10T13:15:00Z",
        "'30 2 * * *',    2026-03-10T01:00:00Z, 2026-03-09T02:30:00Z",
        "'0 0 1 * *',     2026-03-10T00:00:00Z, 2026-03-01T00:00:00Z",
        "'0 12 * * 0',    2026-03-10T00:00:00Z, 2026-03-08T12:00:00Z",
        "'0 12 * * 7',    2026-03-10T00:00:00Z, 2026-03-08T12:00:00Z",
        "'5,10 1-2 * * *', 2026-03-10T02:07:00Z, 2026-03-10T02:05:00Z",
        "'0 0 13 * 5',    2026-03-14T00:00:00Z, 2026-03-13T00:00:00Z",
    })
    void latestFiringAtOrBeforeNow(String expression, String now, String expected) {
        assertThat(CronSchedule.parse(expression).latestAtOrBefore(Instant.parse(now)))
                .contains(Instant.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"'* * *'", "'60 * * * *'", "'a * * * *'", "'* * 0 * *'"})
    void rejectsMalformedExpressions(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static LongStream seeds() {
        return LongStream.range(0, 100);
    }

    /** Oracle: scan backwards minute by minute checking each field naively. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithANaiveOracleOnHourlySteps(long seed) {
        var random = new SplittableRandom(seed);
        int minute = random.nextInt(60);
        int step = 1 + random.nextInt(12);
        var schedule = CronSchedule.parse(minute + " */" + step + " * * *");
        Instant now = Instant.parse("2026-01-01T00:00:00Z")
                .plus(random.nextLong(0, 365L * 24 * 60), ChronoUnit.MINUTES);
        Instant t = now;
        while (true) {
            var z = t.atZone(ZoneOffset.UTC);
            if (z.getMinute() == minute && z.getHour() % step == 0) {
                break;
            }
            t = t.minus(1, ChronoUnit.MINUTES);
        }
        assertThat(schedule.latestAtOrBefore(now)).as("seed %d", seed).contains(t);
    }
}
