package io.etcetera.raft;

/**
 * The requested log index lies below the storage's first index: the entries were compacted into a
 * snapshot. The leader answers by sending that snapshot instead.
 */
public final class LogCompactedException extends RuntimeException {

    public LogCompactedException(long index, long firstIndex) {
        super("requested index " + index + " is unavailable due to compaction (first index "
                + firstIndex + ")");
    }
}
