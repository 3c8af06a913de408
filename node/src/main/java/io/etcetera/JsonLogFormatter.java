package io.etcetera;

import io.etcetera.metrics.StructuredMessage;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Log events as etcd's zap logger writes them with {@code --logger=zap}: one JSON object a line,
 * with {@code level} (lower case, zap's names), {@code ts} (ISO 8601, UTC, milliseconds), {@code
 * caller} ({@code package/File.java:line}), {@code msg}, then the event's fields (a {@link
 * StructuredMessage}'s), and for a failure {@code error} and {@code stacktrace}. Stateless and
 * thread-safe; {@link #install} runs once on the main thread, after Quarkus set up its handlers.
 */
final class JsonLogFormatter extends ExtFormatter {

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    /** Puts this format on every handler that writes (console, file) below the root logger. */
    static void install() {
        JsonLogFormatter formatter = new JsonLogFormatter();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            install(handler, formatter);
        }
    }

    private static void install(Handler handler, JsonLogFormatter formatter) {
        if (handler instanceof ExtHandler ext && ext.getHandlers().length > 0) {
            for (Handler child : ext.getHandlers()) {
                install(child, formatter); // a delaying or async wrapper: its children write
            }
        } else {
            handler.setFormatter(formatter);
        }
    }

    @Override
    public boolean isCallerCalculationRequired() {
        return true;
    }

    @Override
    public String format(ExtLogRecord record) {
        StringBuilder line = new StringBuilder(256).append("{\"level\":\"")
                .append(level(record.getLevel())).append("\",\"ts\":\"")
                .append(TS.format(Instant.ofEpochMilli(record.getMillis()))).append('"');
        String caller = caller(record);
        if (caller != null) {
            StructuredMessage.quote(line.append(",\"caller\":"), caller);
        }
        String message = formatMessage(record);
        String fields = null;
        int separator = message.indexOf(StructuredMessage.FIELDS_SEPARATOR + "{");
        if (separator >= 0 && message.endsWith("}")) {
            fields = message.substring(separator + 2, message.length() - 1);
            message = message.substring(0, separator);
        }
        StructuredMessage.quote(line.append(",\"msg\":"), message);
        if (fields != null && !fields.isBlank()) {
            line.append(',').append(fields);
        }
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            StructuredMessage.quote(line.append(",\"error\":"), String.valueOf(thrown));
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            StructuredMessage.quote(line.append(",\"stacktrace\":"), trace.toString());
        }
        return line.append("}\n").toString();
    }

    /** zap's level names. */
    private static String level(Level level) {
        int value = level.intValue();
        if (value >= org.jboss.logmanager.Level.FATAL.intValue()) {
            return "fatal";
        }
        if (value >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (value >= Level.WARNING.intValue()) {
            return "warn";
        }
        return value >= Level.INFO.intValue() ? "info" : "debug";
    }

    /** {@code server/RaftLoop.java:123}, as zap's short caller; null when unknown. */
    private static String caller(ExtLogRecord record) {
        String className = record.getSourceClassName();
        String file = record.getSourceFileName();
        if (className == null || file == null) {
            return null;
        }
        int classDot = className.lastIndexOf('.');
        String pkg = classDot < 0 ? "" : className.substring(0, classDot);
        String lastPackage = pkg.substring(pkg.lastIndexOf('.') + 1);
        return (lastPackage.isEmpty() ? "" : lastPackage + "/") + file + ":"
                + record.getSourceLineNumber();
    }
}
