package io.etcetera.metrics;

import io.etcetera.invariants.Invariants;

import java.time.Duration;

/**
 * A log message with fields, in the form etcd's zap console logger prints: the message, a tab,
 * then the fields as one JSON object ({@code apply request took too long\t{"took":"153.2ms",
 * "expected-duration":"100ms"}}). The JSON log format ({@code --logger=zap}) lifts the fields into
 * the event's own object, as etcd's JSON lines have them. Durations are written as Go prints a
 * {@code time.Duration}, since etcd's operators grep for those. Stateless.
 */
public final class StructuredMessage {

    /** Separates the message from its fields. */
    public static final char FIELDS_SEPARATOR = '\t';

    private StructuredMessage() {}

    /**
     * {@code message} with {@code keyValues} (key, value, key, value, ...): strings and durations
     * are quoted, numbers and booleans are not.
     */
    public static String of(String message, Object... keyValues) {
        Invariants.check(keyValues.length % 2 == 0, "odd key-value list for %s", message);
        StringBuilder text = new StringBuilder(message).append(FIELDS_SEPARATOR).append('{');
        for (int i = 0; i < keyValues.length; i += 2) {
            if (i > 0) {
                text.append(',');
            }
            quote(text, keyValues[i].toString()).append(':');
            Object value = keyValues[i + 1];
            if (value instanceof Number || value instanceof Boolean) {
                text.append(value);
            } else if (value instanceof Duration duration) {
                quote(text, goDuration(duration.toNanos()));
            } else {
                quote(text, String.valueOf(value));
            }
        }
        return text.append('}').toString();
    }

    /** Appends {@code value} as a JSON string. */
    public static StringBuilder quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * {@code nanos} as Go's {@code time.Duration.String}: {@code 1.5s}, {@code 153.2ms}, {@code
     * 2m3.5s}, {@code 0s}.
     */
    public static String goDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long abs = Math.abs(nanos);
        if (abs < 1_000) {
            return sign + abs + "ns";
        }
        if (abs < 1_000_000) {
            return sign + fraction(abs, 1_000) + "µs";
        }
        if (abs < 1_000_000_000) {
            return sign + fraction(abs, 1_000_000) + "ms";
        }
        long hours = abs / 3_600_000_000_000L;
        long minutes = abs / 60_000_000_000L % 60;
        String seconds = fraction(abs % 60_000_000_000L, 1_000_000_000) + "s";
        if (hours > 0) {
            return sign + hours + "h" + minutes + "m" + seconds;
        }
        return sign + (minutes > 0 ? minutes + "m" : "") + seconds;
    }

    /** {@code value / unit} with the fraction's trailing zeros dropped, as Go prints it. */
    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String digits = Long.toString(unit + rest).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }
}
