package io.etcetera.operator.plan;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Optional;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week) in UTC, with {@code *},
 * numbers, ranges {@code a-b}, steps {@code /n} and lists {@code ,}. As in cron, when both
 * day-of-month and day-of-week are restricted a day matching either fires. Day-of-week 0 and 7 are
 * Sunday.
 */
public final class CronSchedule {

    /** Searching further back than this finds nothing: schedules rarer than yearly are refused. */
    private static final long LOOKBACK_MINUTES_MAX = 366L * 24 * 60;

    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;

    private CronSchedule(String[] f) {
        minutes = field(f[0], 0, 59);
        hours = field(f[1], 0, 23);
        daysOfMonth = field(f[2], 1, 31);
        months = field(f[3], 1, 12);
        daysOfWeek = field(f[4], 0, 7);
        if (daysOfWeek.get(7)) {
            daysOfWeek.set(0);
        }
        domRestricted = !f[2].equals("*");
        dowRestricted = !f[4].equals("*");
    }

    /** Parses {@code expression}; throws IllegalArgumentException naming the bad field. */
    public static CronSchedule parse(String expression) {
        String[] fields = expression.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("cron expression '" + expression
                    + "' needs 5 fields (minute hour day-of-month month day-of-week)");
        }
        return new CronSchedule(fields);
    }

    /** The latest firing time at or before {@code now}, to the minute, within a year. */
    public Optional<Instant> latestAtOrBefore(Instant now) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        for (long i = 0; i < LOOKBACK_MINUTES_MAX; i++) {
            if (matches(t)) {
                return Optional.of(t.toInstant());
            }
            t = t.minusMinutes(1);
        }
        return Optional.empty();
    }

    boolean matches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        boolean day = domRestricted && dowRestricted ? dom || dow : dom && dow;
        return minutes.get(t.getMinute()) && hours.get(t.getHour())
                && months.get(t.getMonthValue()) && day;
    }

    private static BitSet field(String text, int min, int max) {
        BitSet bits = new BitSet(max + 1);
        for (String part : text.split(",")) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(part.substring(slash + 1), 1, max, text);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                from = number(range.substring(0, range.indexOf('-')), min, max, text);
                to = number(range.substring(range.indexOf('-') + 1), from, max, text);
            } else {
                from = number(range, min, max, text);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String text, int min, int max, String field) {
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw new IllegalArgumentException("cron field '" + field + "': " + v
                        + " outside " + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cron field '" + field + "': '" + text
                    + "' is not a number", e);
        }
    }
}
