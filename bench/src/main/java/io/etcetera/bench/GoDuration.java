package io.etcetera.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations as Go's {@code time.ParseDuration} writes them ({@code 10s}, {@code 1m30s},
 * {@code 500ms}, {@code 2h}), since etcd's flags take that form. Units: ns, us (or µs), ms, s, m,
 * h; each number may have a fraction. Stateless.
 */
final class GoDuration {
    private static final Pattern TERM =
            Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {}

    /** The duration {@code text} denotes; throws TypeConversionException saying why not. */
    static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher term = TERM.matcher(text);
        double nanos = 0;
        int end = 0;
        while (term.lookingAt()) {
            nanos += Double.parseDouble(term.group(1)) * nanosPer(term.group(2));
            end = term.end();
            term.region(end, text.length());
        }
        if (end == 0 || end != text.length()) {
            throw new TypeConversionException(
                    "'" + text + "' is not a duration like 10s, 1m30s or 500ms");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    private static double nanosPer(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }
}
