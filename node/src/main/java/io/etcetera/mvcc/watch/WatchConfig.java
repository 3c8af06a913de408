package io.etcetera.mvcc.watch;

import io.etcetera.invariants.Invariants;

import java.time.Duration;

/**
 * The limits of the watch layer. Every queue and batch is bounded by one of these.
 *
 * <p>Immutable.
 *
 * @param streamResponsesMax event responses queued on one stream; past it (or past {@code
 *     streamBytesMax}) a watcher with more events becomes a victim (etcd's 128-slot channel)
 * @param streamBytesMax serialized bytes of event responses queued on one stream
 * @param streamControlResponsesMax created, canceled and progress responses queued on one stream
 *     before it asks the gRPC layer to stop reading requests (etcd's control channel of 16)
 * @param fragmentBytesMax a response of at least this size to a watcher that allows fragments is
 *     split (etcd's {@code --max-request-bytes} plus its 512 KiB gRPC overhead)
 * @param progressNotifyInterval how often a watcher with progress_notify and no recent events is
 *     told the current revision (etcd's {@code --experimental-watch-progress-notify-interval})
 * @param syncWatchersMax unsynced watchers one catch-up step serves (etcd's maxWatchersPerSync)
 * @param syncEventsMax events one history page of a catch-up step holds (a page may exceed it by
 *     the rest of one revision, which is never split)
 * @param recentEventsMax notified events kept for watchers joining the synced group
 * @param syncInterval how long the watch-sync thread sleeps when it has nothing to do (etcd's 100
 *     ms resync period); progress ticks are this precise
 */
public record WatchConfig(
        int streamResponsesMax,
        long streamBytesMax,
        int streamControlResponsesMax,
        long fragmentBytesMax,
        Duration progressNotifyInterval,
        int syncWatchersMax,
        int syncEventsMax,
        int recentEventsMax,
        Duration syncInterval) {

    /** etcd's default: progress notifications every ten minutes. */
    public static final Duration PROGRESS_NOTIFY_INTERVAL_DEFAULT = Duration.ofMinutes(10);

    /** etcd's floor for the progress interval; shorter settings are raised to it. */
    public static final Duration PROGRESS_NOTIFY_INTERVAL_MIN = Duration.ofMillis(100);

    /** etcd's default {@code --max-request-bytes} (1.5 MiB) plus its gRPC overhead (512 KiB). */
    public static final long FRAGMENT_BYTES_DEFAULT = 3 * 512 * 1024 + 512 * 1024;

    public WatchConfig {
        Invariants.check(streamResponsesMax > 0, "streamResponsesMax(%d) <= 0", streamResponsesMax);
        Invariants.check(streamBytesMax > 0, "streamBytesMax(%d) <= 0", streamBytesMax);
        Invariants.check(
                streamControlResponsesMax > 0,
                "streamControlResponsesMax(%d) <= 0",
                streamControlResponsesMax);
        Invariants.check(fragmentBytesMax > 0, "fragmentBytesMax(%d) <= 0", fragmentBytesMax);
        Invariants.check(syncWatchersMax > 0, "syncWatchersMax(%d) <= 0", syncWatchersMax);
        Invariants.check(syncEventsMax > 0, "syncEventsMax(%d) <= 0", syncEventsMax);
        Invariants.check(recentEventsMax >= 0, "recentEventsMax(%d) < 0", recentEventsMax);
        Invariants.check(
                !syncInterval.isNegative() && !syncInterval.isZero(),
                "syncInterval %s is not positive",
                syncInterval);
        if (progressNotifyInterval.compareTo(PROGRESS_NOTIFY_INTERVAL_MIN) < 0) {
            progressNotifyInterval = PROGRESS_NOTIFY_INTERVAL_MIN;
        }
    }

    public static WatchConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Sets some limits and keeps the defaults of the others. Not thread-safe. */
    public static final class Builder {
        private int streamResponsesMax = 1024;
        private long streamBytesMax = 8L << 20;
        private int streamControlResponsesMax = 64;
        private long fragmentBytesMax = FRAGMENT_BYTES_DEFAULT;
        private Duration progressNotifyInterval = PROGRESS_NOTIFY_INTERVAL_DEFAULT;
        private int syncWatchersMax = 512;
        private int syncEventsMax = 1000;
        private int recentEventsMax = 4096;
        private Duration syncInterval = Duration.ofMillis(100);

        private Builder() {}

        public Builder streamLimits(int responsesMax, long bytesMax, int controlResponsesMax) {
            this.streamResponsesMax = responsesMax;
            this.streamBytesMax = bytesMax;
            this.streamControlResponsesMax = controlResponsesMax;
            return this;
        }

        /** etcd's {@code --max-request-bytes}: fragments are cut at it plus 512 KiB. */
        public Builder maxRequestBytes(long maxRequestBytes) {
            return fragmentBytesMax(maxRequestBytes + 512 * 1024);
        }

        public Builder fragmentBytesMax(long bytesMax) {
            this.fragmentBytesMax = bytesMax;
            return this;
        }

        /** etcd's {@code --experimental-watch-progress-notify-interval}. */
        public Builder progressNotifyInterval(Duration interval) {
            this.progressNotifyInterval = interval;
            return this;
        }

        public Builder syncLimits(int watchersMax, int eventsMax, int recentMax) {
            this.syncWatchersMax = watchersMax;
            this.syncEventsMax = eventsMax;
            this.recentEventsMax = recentMax;
            return this;
        }

        public Builder syncInterval(Duration interval) {
            this.syncInterval = interval;
            return this;
        }

        public WatchConfig build() {
            return new WatchConfig(
                    streamResponsesMax,
                    streamBytesMax,
                    streamControlResponsesMax,
                    fragmentBytesMax,
                    progressNotifyInterval,
                    syncWatchersMax,
                    syncEventsMax,
                    recentEventsMax,
                    syncInterval);
        }
    }
}
