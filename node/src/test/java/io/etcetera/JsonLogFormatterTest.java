package io.etcetera;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.etcetera.metrics.StructuredMessage;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

class JsonLogFormatterTest {

    private final JsonLogFormatter formatter = new JsonLogFormatter();

    private static ExtLogRecord record(Level level, String message) {
        ExtLogRecord record = new ExtLogRecord(level, message, ExtLogRecord.FormatStyle.NO_FORMAT,
                JsonLogFormatterTest.class.getName());
        record.setMillis(Instant.parse("2026-11-25T20:26:40.123Z").toEpochMilli());
        record.setSourceClassName("io.etcetera.server.Applier");
        record.setSourceFileName("Applier.java");
        record.setSourceLineNumber(123);
        return record;
    }

    private JsonObject format(ExtLogRecord record) {
        String line = formatter.format(record);
        assertThat(line).endsWith("}\n").doesNotContain("\n}").hasLineCount(1);
        return JsonParser.parseString(line).getAsJsonObject();
    }

    @Test
    void anEventHasEtcdsFieldsAndItsOwnFields() {
        JsonObject event = format(record(Level.WARN, StructuredMessage.of(
                "apply request took too long", "took", Duration.ofMillis(153),
                "expected-duration", Duration.ofMillis(100))));
        assertThat(event.get("level").getAsString()).isEqualTo("warn");
        assertThat(event.get("ts").getAsString()).isEqualTo("2026-11-25T20:26:40.123Z");
        assertThat(event.get("caller").getAsString()).isEqualTo("server/Applier.java:123");
        assertThat(event.get("msg").getAsString()).isEqualTo("apply request took too long");
        assertThat(event.get("took").getAsString()).isEqualTo("153ms");
        assertThat(event.get("expected-duration").getAsString()).isEqualTo("100ms");
    }

    @Test
    void aFailureCarriesItsErrorAndStackTraceOnTheSameLine() {
        ExtLogRecord record = record(Level.ERROR, "member stopped: \"disk\"\tfull");
        record.setThrown(new IllegalStateException("wal: fsync failed"));
        JsonObject event = format(record);
        assertThat(event.get("level").getAsString()).isEqualTo("error");
        assertThat(event.get("msg").getAsString()).isEqualTo("member stopped: \"disk\"\tfull");
        assertThat(event.get("error").getAsString())
                .isEqualTo("java.lang.IllegalStateException: wal: fsync failed");
        assertThat(event.get("stacktrace").getAsString()).contains("JsonLogFormatterTest");
    }

    @Test
    void levelsHaveZapsNames() {
        assertThat(format(record(Level.INFO, "x")).get("level").getAsString()).isEqualTo("info");
        assertThat(format(record(Level.DEBUG, "x")).get("level").getAsString())
                .isEqualTo("debug");
        assertThat(format(record(Level.FATAL, "x")).get("level").getAsString())
                .isEqualTo("fatal");
    }
}
