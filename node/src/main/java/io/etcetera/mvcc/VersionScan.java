package io.etcetera.mvcc;

import io.etcetera.backend.Cursor;
import io.etcetera.backend.VersionKey;
import io.etcetera.invariants.Invariants;

import java.util.Arrays;

/**
 * Reads the {@code KEY} family through a cursor: the newest version of a key at or below a
 * revision, and the newest live version of every key in a range. A version whose value is empty is
 * a tombstone: the key did not exist from that revision on.
 *
 * <p>Reading "at revision r" never needs an index in memory: within each key's group the versions
 * are newest first, so one seek to (key, r) lands on the answer.
 *
 * <p>Not thread-safe: it drives one cursor, which its owner closes.
 */
final class VersionScan {

    /**
     * Older versions of a key are skipped with next() this many times before one seek jumps past
     * the whole group: cheap when keys have few versions, bounded when one key has thousands.
     */
    private static final int SKIP_NEXT_MAX = 3;

    /** Receives each live version of a range scan; returns whether the scan should go on. */
    interface Visitor {
        boolean visit(byte[] versionKey, Cursor cursor);
    }

    private final Cursor cursor;

    VersionScan(Cursor cursor) {
        this.cursor = cursor;
    }

    /**
     * Positions the cursor on the newest version at or below revision (main, sub) of the key whose
     * group is {@code group} and returns its version key, or returns null when there is none.
     */
    byte[] seekNewest(byte[] group, long main, long sub) {
        cursor.seek(VersionKey.withRevision(group, main, sub));
        if (!cursor.isValid()) {
            return null;
        }
        byte[] versionKey = cursor.key();
        return VersionKey.inGroup(versionKey, group) ? versionKey : null;
    }

    /**
     * Positions the cursor on the version of the key whose group is {@code group} written at
     * exactly (main, sub), which must exist (the revision family says so).
     */
    void seekExact(byte[] group, long main, long sub) {
        byte[] versionKey = seekNewest(group, main, sub);
        Invariants.check(
                versionKey != null
                        && VersionKey.main(versionKey) == main
                        && VersionKey.sub(versionKey) == sub,
                "change (%d, %d) has no stored version",
                main,
                sub);
    }

    /**
     * Moves to the next older version of the key whose group is {@code group}, after {@link
     * #seekNewest}; returns its version key, or null when there is none.
     */
    byte[] nextInGroup(byte[] group) {
        cursor.next();
        byte[] versionKey = currentKey();
        return versionKey != null && VersionKey.inGroup(versionKey, group) ? versionKey : null;
    }

    /** The value of the version {@link #seekNewest} found (empty for a tombstone). */
    byte[] value() {
        return cursor.value();
    }

    /**
     * Visits, in key order, the newest version at or below {@code revision} of every key in {@code
     * range} whose newest version there is not a tombstone.
     */
    void forEachLive(KeyRange range, long revision, Visitor visitor) {
        byte[] start = range.startGroup();
        byte[] endGroup = range.endGroup();
        cursor.seek(start);
        byte[] versionKey = currentKey();
        while (versionKey != null) {
            if (range.isSingleKey()
                    ? !VersionKey.inGroup(versionKey, start)
                    : endGroup != null && VersionKey.compareGroup(versionKey, endGroup) >= 0) {
                return;
            }
            byte[] group = Arrays.copyOf(versionKey, VersionKey.groupLength(versionKey));
            if (VersionKey.main(versionKey) > revision) {
                cursor.seek(VersionKey.withRevision(group, revision, Long.MAX_VALUE));
                versionKey = currentKey();
                if (versionKey == null || !VersionKey.inGroup(versionKey, group)) {
                    continue;
                }
            }
            if (cursor.valueLength() > 0 && !visitor.visit(versionKey, cursor)) {
                return;
            }
            versionKey = skipGroup(group);
        }
    }

    /** Moves past the group {@code group}; returns the key there, or null at the end. */
    private byte[] skipGroup(byte[] group) {
        for (int i = 0; i < SKIP_NEXT_MAX; i++) {
            cursor.next();
            byte[] versionKey = currentKey();
            if (versionKey == null || !VersionKey.inGroup(versionKey, group)) {
                return versionKey;
            }
        }
        cursor.seek(VersionKey.pastGroup(group));
        return currentKey();
    }

    private byte[] currentKey() {
        return cursor.isValid() ? cursor.key() : null;
    }
}
