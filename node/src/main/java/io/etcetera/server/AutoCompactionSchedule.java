package io.etcetera.server;

import io.etcetera.config.AutoCompaction;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * When the auto-compactor compacts, and to which revision (etcd 3.4's {@code v3compactor}):
 *
 * <ul>
 *   <li>periodic, retention {@code P}: every {@code min(P, 1h)/10} the current revision is
 *       sampled; once {@code P} has passed since the last successful compaction (then every
 *       {@code min(P, 1h)}), it compacts to the oldest sample, taken {@code P} ago;
 *   <li>revision, retention {@code R}: every 5 minutes it compacts to {@code current - R}, unless
 *       that is not positive or was the last compaction.
 * </ul>
 *
 * Only the leader compacts: while paused, checks pass without compacting (and, as in etcd, the
 * periodic samples go on). Invariant: at most {@code P / interval + 1} samples are kept. Pure:
 * time comes in as arguments. Confined to the compactor thread.
 */
final class AutoCompactionSchedule {

    /** etcd's {@code revInterval}. */
    static final long REVISION_INTERVAL_MILLIS = Duration.ofMinutes(5).toMillis();

    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
    private static final int RETRY_DIVISOR = 10;

    private final AutoCompaction config;
    private final long intervalMillis;
    private final int samplesMax;
    private final ArrayDeque<Long> samples = new ArrayDeque<>();
    private long nextCheckMillis;
    private long lastSuccessMillis;
    /** Periodic: the wait after the first compaction; before it, the whole period. */
    private long baseIntervalMillis;
    private long lastCompactedRevision;
    private boolean started;

    AutoCompactionSchedule(AutoCompaction config, long startMillis) {
        this.config = config;
        long periodMillis = config.retentionPeriod().toMillis();
        if (config.mode() == AutoCompaction.Mode.PERIODIC) {
            this.intervalMillis = Math.max(1, Math.min(periodMillis, HOUR_MILLIS) / RETRY_DIVISOR);
            this.samplesMax = (int) Math.min(Integer.MAX_VALUE, periodMillis / intervalMillis + 1);
        } else {
            this.intervalMillis = REVISION_INTERVAL_MILLIS;
            this.samplesMax = 0;
        }
        this.baseIntervalMillis = periodMillis;
        this.lastSuccessMillis = startMillis;
        this.nextCheckMillis = startMillis;
    }

    /** When the next check is due. */
    long nextCheckMillis() {
        return nextCheckMillis;
    }

    /**
     * The check due at {@code nowMillis}: the revision to compact to, or 0 for none now.
     *
     * @param currentRevision the store's revision now
     * @param leader whether this member leads (only the leader compacts)
     */
    long check(long nowMillis, long currentRevision, boolean leader) {
        nextCheckMillis = nowMillis + intervalMillis;
        boolean decide = started; // etcd decides only after its first interval
        started = true;
        long due = 0;
        if (decide && leader) {
            due = config.mode() == AutoCompaction.Mode.REVISION ? revisionDue(currentRevision)
                    : periodicDue(nowMillis);
        }
        if (config.mode() == AutoCompaction.Mode.PERIODIC) {
            samples.addLast(currentRevision);
            if (samples.size() > samplesMax) {
                samples.removeFirst(); // the oldest is now the revision of one period ago
            }
        }
        return due;
    }

    private long revisionDue(long currentRevision) {
        long revision = currentRevision - config.retentionRevisions();
        return revision <= 0 || revision == lastCompactedRevision ? 0 : revision;
    }

    private long periodicDue(long nowMillis) {
        if (nowMillis - lastSuccessMillis < baseIntervalMillis || samples.isEmpty()) {
            return 0;
        }
        baseIntervalMillis = Math.min(config.retentionPeriod().toMillis(), HOUR_MILLIS);
        return samples.peekFirst();
    }

    /** The compaction to {@code revision} was applied (or that revision was compacted already). */
    void succeeded(long nowMillis, long revision) {
        lastSuccessMillis = nowMillis;
        lastCompactedRevision = revision;
    }
}
