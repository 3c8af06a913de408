package io.etcetera.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;

class StructuredMessageTest {

    /** Expected texts are what Go's {@code time.Duration.String} prints for the same nanos. */
    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "999, 999ns",
        "1500, 1.5µs",
        "100000000, 100ms",
        "153200000, 153.2ms",
        "1000000000, 1s",
        "1500000000, 1.5s",
        "123500000000, 2m3.5s",
        "3600000000000, 1h0m0s",
        "-2000000, -2ms"
    })
    void durationsArePrintedAsGoPrintsThem(long nanos, String go) {
        assertThat(StructuredMessage.goDuration(nanos)).isEqualTo(go);
    }

    @Test
    void fieldsFollowTheMessageAsOneJsonObject() {
        String text = StructuredMessage.of("apply request took too long",
                "took", Duration.ofMillis(153), "expected-duration", Duration.ofMillis(100),
                "request", "PUT \"quoted\"\n", "entries", 3, "leader", true);
        int tab = text.indexOf('\t');
        assertThat(text.substring(0, tab)).isEqualTo("apply request took too long");
        JsonObject fields = JsonParser.parseString(text.substring(tab + 1)).getAsJsonObject();
        assertThat(fields.get("took").getAsString()).isEqualTo("153ms");
        assertThat(fields.get("expected-duration").getAsString()).isEqualTo("100ms");
        assertThat(fields.get("request").getAsString()).isEqualTo("PUT \"quoted\"\n");
        assertThat(fields.get("entries").getAsInt()).isEqualTo(3);
        assertThat(fields.get("leader").getAsBoolean()).isTrue();
    }
}
