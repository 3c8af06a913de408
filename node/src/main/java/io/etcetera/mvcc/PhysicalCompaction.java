package io.etcetera.mvcc;

import io.etcetera.backend.Cursor;
import io.etcetera.backend.Family;
import io.etcetera.backend.MetaKey;
import io.etcetera.backend.RevisionRecord;
import io.etcetera.backend.RocksBackend;
import io.etcetera.backend.VersionKey;
import io.etcetera.backend.WriteSet;
import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;

/**
 * Removes the versions a compaction made unreadable, a bounded number of changes per step, while
 * the apply thread goes on writing (etcd's {@code scheduleCompaction}, without its in-memory
 * index).
 *
 * <p>A cursor walks the {@code REVISION} family in revision order up to the compact revision (the
 * target). For each change (main, sub) of key k it looks up k's newest version at or below the
 * target, the one a read at the target sees:
 *
 * <ul>
 *   <li>if that is another, newer version, this change is obsolete: delete it;
 *   <li>if it is this change, delete k's versions older than the step's start (the one an earlier
 *       compaction kept, if any; those since the step's start were deleted above); and if this
 *       change is a tombstone, delete it too, in the same write as the older versions, so a reader
 *       never sees an old version resurface.
 * </ul>
 *
 * Invariant: below the cursor, each key keeps at most one version, and none that a read at or above
 * the target needs is ever deleted. Reads at or above the compact revision therefore give the same
 * answer before, during and after compaction, and a step may run at any time. The cursor is saved
 * in the same write as the deletions, so a crash resumes where the last step ended.
 *
 * <p>Guarded by the store's compaction lock: one step at a time, on the compactor thread.
 */
final class PhysicalCompaction {

    private final RocksBackend backend;

    /** The next change to examine. */
    private long cursorMain;

    private long cursorSub;

    PhysicalCompaction(RocksBackend backend, long cursorMain, long cursorSub) {
        this.backend = backend;
        this.cursorMain = cursorMain;
        this.cursorSub = cursorSub;
    }

    /** Continues from change (main, sub): the store's content was replaced (a snapshot). */
    void moveCursor(long main, long sub) {
        cursorMain = main;
        cursorSub = sub;
    }

    /**
     * Examines at most {@code changesMax} changes towards {@code target} and deletes what is
     * obsolete.
     */
    CompactionProgress step(long target, int changesMax) {
        Invariants.check(changesMax > 0, "changesMax(%d) <= 0", changesMax);
        if (cursorMain > target) {
            return new CompactionProgress(target, cursorMain - 1, 0, 0);
        }
        long startMain = cursorMain;
        long startSub = cursorSub;
        int examined = 0;
        int deleted = 0;
        try (Cursor records = backend.cursor(Family.REVISION);
                Cursor versions = backend.cursor(Family.KEY);
                WriteSet deletes = backend.newWriteSet()) {
            VersionScan scan = new VersionScan(versions);
            records.seek(RevisionRecord.key(startMain, startSub));
            long nextMain = target + 1;
            long nextSub = 0;
            while (records.isValid()) {
                byte[] recordKey = records.key();
                long main = RevisionRecord.main(recordKey);
                long sub = RevisionRecord.sub(recordKey);
                if (main > target) {
                    break;
                }
                if (examined == changesMax) {
                    nextMain = main;
                    nextSub = sub;
                    break;
                }
                byte[] record = records.value();
                deleted +=
                        compactChange(
                                scan,
                                deletes,
                                RevisionRecord.userKey(record),
                                main,
                                sub,
                                RevisionRecord.isTombstone(record),
                                target,
                                startMain,
                                startSub);
                examined++;
                records.next();
            }
            deletes.put(
                    Family.META,
                    MetaKey.COMPACT_CURSOR.bytes(),
                    RevisionRecord.key(nextMain, nextSub));
            backend.write(deletes);
            cursorMain = nextMain;
            cursorSub = nextSub;
        }
        return new CompactionProgress(target, cursorMain - 1, examined, deleted);
    }

    /** Handles one change; returns how many versions it deleted. */
    private static int compactChange(
            VersionScan scan,
            WriteSet deletes,
            byte[] userKey,
            long main,
            long sub,
            boolean tombstone,
            long target,
            long startMain,
            long startSub) {
        byte[] group = VersionKey.group(userKey);
        byte[] newest = scan.seekNewest(group, target, Long.MAX_VALUE);
        Invariants.check(
                newest != null, "change at %d has no version at or below target %d", main, target);
        if (VersionKey.main(newest) != main || VersionKey.sub(newest) != sub) {
            deleteVersion(deletes, userKey, main, sub);
            return 1;
        }
        int deleted = 0;
        byte[] older =
                startSub > 0
                        ? scan.seekNewest(group, startMain, startSub - 1)
                        : scan.seekNewest(group, startMain - 1, Long.MAX_VALUE);
        while (older != null) {
            deleteVersion(deletes, userKey, VersionKey.main(older), VersionKey.sub(older));
            deleted++;
            older = scan.nextInGroup(group);
        }
        if (Verify.enabled()) {
            Invariants.check(
                    deleted <= 1, "key kept %d versions below the compaction cursor", deleted);
        }
        if (tombstone) {
            deleteVersion(deletes, userKey, main, sub);
            deleted++;
        }
        return deleted;
    }

    private static void deleteVersion(WriteSet deletes, byte[] userKey, long main, long sub) {
        deletes.delete(Family.KEY, VersionKey.encode(userKey, main, sub));
        deletes.delete(Family.REVISION, RevisionRecord.key(main, sub));
    }
}
