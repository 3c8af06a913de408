package io.etcetera.wal;

import io.etcetera.invariants.Invariants;
import java.util.concurrent.Executor;

/**
 * How a {@link Wal} sizes, keeps and prepares its segments. Immutable.
 *
 * @param segmentBytes        preallocated size of a segment; a segment is cut once a save leaves it
 *                            at or past this size (etcd: 64 MB)
 * @param walFilesMax         segments kept after {@link Wal#releaseTo}; older released ones are
 *                            deleted (etcd's {@code --max-wals}, default 5; 0 keeps all)
 * @param preallocateExecutor runs the zero-filling of the next spare segment. {@link #IN_CUT} by
 *                            default: the cut that needs the segment fills it (about 50 ms for
 *                            64 MiB here). The server may pass a single background thread of its
 *                            own, as etcd's file pipeline does; the spare is then filled ahead and
 *                            a cut only writes the head records and renames
 */
public record WalConfig(long segmentBytes, int walFilesMax, Executor preallocateExecutor) {

    public static final long SEGMENT_BYTES_DEFAULT = 64L * 1024 * 1024;
    public static final int WAL_FILES_MAX_DEFAULT = 5;
    /** Small enough for tests that cut often; large enough to hold a segment's head records. */
    public static final long SEGMENT_BYTES_MIN = 4096;

    /** Fills the next segment inside the cut that needs it, on the caller's thread. */
    public static final Executor IN_CUT = Runnable::run;

    public static final WalConfig DEFAULT =
            new WalConfig(SEGMENT_BYTES_DEFAULT, WAL_FILES_MAX_DEFAULT, IN_CUT);

    public WalConfig {
        Invariants.check(segmentBytes >= SEGMENT_BYTES_MIN && segmentBytes % Frame.ALIGN_BYTES == 0,
                "segmentBytes(%d) must be >= 4096 and a multiple of 16", segmentBytes);
        Invariants.check(walFilesMax >= 0, "walFilesMax(%d) < 0", walFilesMax);
        Invariants.check(preallocateExecutor != null, "preallocateExecutor is null");
    }

    public WalConfig withSegmentBytes(long bytes) {
        return new WalConfig(bytes, walFilesMax, preallocateExecutor);
    }

    public WalConfig withWalFilesMax(int filesMax) {
        return new WalConfig(segmentBytes, filesMax, preallocateExecutor);
    }

    public WalConfig withPreallocateExecutor(Executor executor) {
        return new WalConfig(segmentBytes, walFilesMax, executor);
    }
}
