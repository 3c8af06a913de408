package io.etcetera.invariants;

/**
 * Always-on checks of conditions that only a programming error can break.
 *
 * <p>Java's {@code assert} is off unless the JVM is started with {@code -ea}; these checks are on in
 * production too, because a broken invariant in a replicated store must stop the member rather than
 * spread bad state to the others. Messages carry every value involved, e.g.
 * {@code check(applied <= committed, "applied(%d) > committed(%d)", applied, committed)}.
 */
public final class Invariants {

    private Invariants() {}

    /** Throws {@link IllegalStateException} with the formatted message when {@code condition} is false. */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException(String.format(format, args));
        }
    }

    /** As {@link #check}, for the common case of one long value, without boxing when it holds. */
    public static void check(boolean condition, String format, long value) {
        if (!condition) {
            throw new IllegalStateException(String.format(format, value));
        }
    }

    /** As {@link #check}, for the common case of two long values, without boxing when it holds. */
    public static void check(boolean condition, String format, long first, long second) {
        if (!condition) {
            throw new IllegalStateException(String.format(format, first, second));
        }
    }
}
