package io.etcetera.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.SplittableRandom;

/** Go's {@code time.ParseDuration}, as etcd's duration flags read it. */
class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1ns, 1",
        "1.5s, 1500000000",
        "300ms, 300000000",
        "1h30m, 5400000000000",
        "-2m, -120000000000",
        "+10us, 10000",
        "10µs, 10000",
        ".5h, 1800000000000",
        "1m0.5s, 60500000000",
        "2h45m10s, 9910000000000",
        "1.000000001s, 1000000001"
    })
    void parsesGoSyntax(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "abc|time: invalid duration \"abc\"",
                "''|time: invalid duration \"\"",
                "1|time: missing unit in duration \"1\"",
                "-1|time: missing unit in duration \"-1\"",
                "1x|time: unknown unit \"x\" in duration \"1x\"",
                ".s|time: invalid duration \".s\"",
                "3000000h|time: invalid duration \"3000000h\""
            })
    void refusesWithGosMessages(String text, String message) {
        assertThatThrownBy(() -> GoDuration.parse(text)).hasMessage(message);
    }

    @Test
    void agreesWithJavasOwnParserOnSeededRandomDurations() {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int i = 0; i < 1000; i++) {
            long hours = random.nextLong(1000);
            long minutes = random.nextLong(60);
            long seconds = random.nextLong(60);
            long millis = random.nextLong(1000);
            Duration expected =
                    Duration.parse(
                            "PT"
                                    + hours
                                    + "H"
                                    + minutes
                                    + "M"
                                    + seconds
                                    + "."
                                    + String.format("%03d", millis)
                                    + "S");
            String text = hours + "h" + minutes + "m" + seconds + "s" + millis + "ms";
            assertThat(GoDuration.parse(text)).as(text).isEqualTo(expected);
        }
    }
}
