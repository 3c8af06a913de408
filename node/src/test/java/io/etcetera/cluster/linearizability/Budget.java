package io.etcetera.cluster.linearizability;

import java.time.Duration;

/**
 * How far the checker may search before it answers {@link Verdict#UNKNOWN}: steps of the search
 * per key, memo entries per key (each holds a bit set of the key's operations), and wall-clock
 * time for the whole history.
 */
public record Budget(long stepsMax, int exploredMax, Duration timeMax) {

    /** Enough for the histories of the fault tests (thousands of operations per key). */
    public static final Budget DEFAULT = new Budget(200_000_000L, 2_000_000, Duration.ofMinutes(2));
}
