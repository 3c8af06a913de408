package io.etcetera.config;

import java.time.Duration;

/**
 * Parses durations as Go's {@code time.ParseDuration} does, since etcd's duration flags ({@code
 * --grpc-keepalive-interval=2h}, {@code --auto-compaction-retention=30m}) take that syntax: an
 * optional sign, then one or more decimal numbers each with a unit ({@code ns}, {@code us}, {@code
 * µs}, {@code ms}, {@code s}, {@code m}, {@code h}), e.g. {@code 1h30m} or {@code 1.5s}. A bare
 * {@code 0} needs no unit. Error messages are Go's, as etcd prints them. Stateless.
 */
final class GoDuration {

    /**
     * Go's durations are int64 nanoseconds; the magnitude may reach 2^63 only for a negative value.
     */
    private static final long MAGNITUDE_MAX_UNSIGNED = Long.MIN_VALUE; // 1 << 63, read as unsigned

    private GoDuration() {}

    /** Returns the duration, or throws {@link IllegalArgumentException} with Go's message. */
    static Duration parse(String text) {
        String rest = text;
        boolean negative = false;
        if (!rest.isEmpty() && (rest.charAt(0) == '-' || rest.charAt(0) == '+')) {
            negative = rest.charAt(0) == '-';
            rest = rest.substring(1);
        }
        if (rest.equals("0")) {
            return Duration.ZERO;
        }
        if (rest.isEmpty()) {
            throw invalid(text);
        }
        long totalNanos = 0; // unsigned
        while (!rest.isEmpty()) {
            Term term = Term.read(rest, text);
            totalNanos += term.nanos;
            if (Long.compareUnsigned(totalNanos, MAGNITUDE_MAX_UNSIGNED) > 0
                    || Long.compareUnsigned(totalNanos, term.nanos) < 0) {
                throw invalid(text);
            }
            rest = rest.substring(term.length);
        }
        if (negative) {
            return Duration.ofNanos(-totalNanos);
        }
        if (totalNanos < 0) {
            throw invalid(text);
        }
        return Duration.ofNanos(totalNanos);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 0L;
        };
    }

    /** One {@code <number><unit>} term: its value in nanoseconds and its length in characters. */
    private record Term(long nanos, int length) {

        static Term read(String rest, String whole) {
            char first = rest.charAt(0);
            if (first != '.' && !isDigit(first)) {
                throw invalid(whole);
            }
            int index = 0;
            long integer = 0;
            while (index < rest.length() && isDigit(rest.charAt(index))) {
                if (integer > (Long.MAX_VALUE - 9) / 10) {
                    throw invalid(whole);
                }
                integer = integer * 10 + (rest.charAt(index) - '0');
                index++;
            }
            boolean hasInteger = index > 0;
            long fraction = 0;
            double fractionScale = 1;
            boolean hasFraction = false;
            if (index < rest.length() && rest.charAt(index) == '.') {
                index++;
                int fractionStart = index;
                boolean overflow = false;
                while (index < rest.length() && isDigit(rest.charAt(index))) {
                    if (!overflow && fraction <= (Long.MAX_VALUE - 9) / 10) {
                        fraction = fraction * 10 + (rest.charAt(index) - '0');
                        fractionScale *= 10;
                    } else {
                        overflow = true; // Go ignores digits past int64 precision
                    }
                    index++;
                }
                hasFraction = index > fractionStart;
            }
            if (!hasInteger && !hasFraction) {
                throw invalid(whole);
            }
            int unitStart = index;
            while (index < rest.length()
                    && rest.charAt(index) != '.'
                    && !isDigit(rest.charAt(index))) {
                index++;
            }
            if (index == unitStart) {
                throw new IllegalArgumentException(
                        "time: missing unit in duration \"" + whole + "\"");
            }
            String unit = rest.substring(unitStart, index);
            long unitNanos = unitNanos(unit);
            if (unitNanos == 0) {
                throw new IllegalArgumentException(
                        "time: unknown unit \"" + unit + "\" in duration \"" + whole + "\"");
            }
            if (integer > Long.MAX_VALUE / unitNanos) {
                throw invalid(whole);
            }
            long nanos = integer * unitNanos;
            if (fraction > 0) {
                nanos += (long) (fraction * (unitNanos / fractionScale));
                if (nanos < 0) {
                    throw invalid(whole);
                }
            }
            return new Term(nanos, index);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
