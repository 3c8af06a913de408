package io.etcetera.config;

import java.time.Duration;

/**
 * {@code --auto-compaction-mode} and {@code --auto-compaction-retention}: keep a period of history
 * ({@code periodic}) or a number of revisions ({@code revision}); zero keeps everything.
 *
 * <p>Invariant: only the field of the mode is non-zero. Immutable.
 *
 * @param mode periodic or revision
 * @param retentionPeriod the history kept in periodic mode ({@link Duration#ZERO}: no compaction)
 * @param retentionRevisions the revisions kept in revision mode (0: no compaction)
 */
public record AutoCompaction(Mode mode, Duration retentionPeriod, long retentionRevisions) {

    /** etcd's two compactor modes. */
    public enum Mode {
        PERIODIC,
        REVISION
    }

    /** True when the member compacts on its own. */
    public boolean enabled() {
        return retentionPeriod.compareTo(Duration.ZERO) > 0 || retentionRevisions > 0;
    }

    /**
     * Parses the retention as etcd's {@code parseCompactionRetention}: a whole number is hours
     * (periodic) or revisions (revision); anything else must be a Go duration (periodic only).
     */
    static AutoCompaction parse(Mode mode, String retention) {
        Long whole = wholeNumber(retention);
        if (whole != null) {
            return mode == Mode.PERIODIC
                    ? new AutoCompaction(mode, Duration.ofHours(whole), 0)
                    : new AutoCompaction(mode, Duration.ZERO, whole);
        }
        if (mode == Mode.REVISION) {
            // NB: etcd reads "1h" in revision mode as 3.6e12 revisions; a revision count is meant.
            throw ConfigException.invalid(
                    "error parsing CompactionRetention: revision mode takes a "
                            + "number of revisions, not \""
                            + retention
                            + "\"");
        }
        try {
            return new AutoCompaction(mode, GoDuration.parse(retention), 0);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("error parsing CompactionRetention: " + e.getMessage());
        }
    }

    private static Long wholeNumber(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
