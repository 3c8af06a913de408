package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.KeyValue;
import io.etcetera.backend.BackendSnapshot;
import io.etcetera.backend.Cursor;
import io.etcetera.backend.Family;
import io.etcetera.backend.RevisionRecord;
import io.etcetera.backend.RocksBackend;
import io.etcetera.backend.VersionKey;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Computes etcd's HashKV(rev) over one snapshot, the way etcd 3.4's {@code store.HashByRev} does: a
 * CRC-32C of the bucket name {@code "key"} followed by every change up to {@code rev} in revision
 * order, each as etcd's revision bytes (8-byte main, {@code '_'}, 8-byte sub, {@code 't'} for a
 * tombstone) and etcd's stored value (the KeyValue; a tombstone stores a KeyValue holding only the
 * key). Changes at or below the compact revision count only if a compaction at {@code rev} would
 * keep them (the newest change of their key up to {@code rev}, and not a tombstone).
 *
 * <p>NB: etcd filters by "what a compaction at rev keeps" only when that set is not empty; when no
 * key is live at rev it hashes whatever its physical compaction left below the compact revision,
 * which once that compaction has finished is what a compaction at the compact revision keeps. This
 * class uses that set then, so its hash equals etcd's for the same history, and depends only on the
 * history and the compact revision, never on how far physical compaction has come: members agree on
 * it at the same revision.
 *
 * <p>Not thread-safe: one call, one thread.
 */
final class KvHasher {

    private static final byte[] BUCKET = "key".getBytes(StandardCharsets.UTF_8);
    private static final int ETCD_REVISION_BYTES = 17;

    private final RocksBackend backend;
    private final BackendSnapshot snapshot;

    KvHasher(RocksBackend backend, BackendSnapshot snapshot) {
        this.backend = backend;
        this.snapshot = snapshot;
    }

    int hash(long revision, long compactRevision) {
        CRC32C crc = new CRC32C();
        crc.update(BUCKET);
        try (Cursor records = backend.cursor(Family.REVISION, snapshot);
                Cursor versions = backend.cursor(Family.KEY, snapshot)) {
            VersionScan scan = new VersionScan(versions);
            long keepRevision = hasLiveKey(scan, revision) ? revision : compactRevision;
            for (records.seek(RevisionRecord.key(0, 0)); records.isValid(); records.next()) {
                byte[] recordKey = records.key();
                long main = RevisionRecord.main(recordKey);
                if (main > revision) {
                    break;
                }
                long sub = RevisionRecord.sub(recordKey);
                byte[] record = records.value();
                byte[] userKey = RevisionRecord.userKey(record);
                boolean tombstone = RevisionRecord.isTombstone(record);
                if (main <= compactRevision
                        && !keptAt(scan, userKey, keepRevision, main, sub, tombstone)) {
                    continue;
                }
                crc.update(etcdRevisionBytes(main, sub, tombstone));
                crc.update(
                        tombstone
                                ? KeyValue.newBuilder()
                                        .setKey(ByteString.copyFrom(userKey))
                                        .build()
                                        .toByteArray()
                                : storedValue(scan, userKey, main, sub));
            }
        }
        return (int) crc.getValue();
    }

    private static boolean hasLiveKey(VersionScan scan, long revision) {
        boolean[] found = {false};
        scan.forEachLive(
                KeyRange.of(ByteString.EMPTY, ByteString.copyFrom(new byte[] {0})),
                revision,
                (versionKey, cursor) -> {
                    found[0] = true;
                    return false;
                });
        return found[0];
    }

    /** Whether the change (main, sub) is what a compaction at {@code revision} keeps of its key. */
    private static boolean keptAt(
            VersionScan scan,
            byte[] userKey,
            long revision,
            long main,
            long sub,
            boolean tombstone) {
        if (tombstone) {
            return false;
        }
        byte[] newest = scan.seekNewest(VersionKey.group(userKey), revision, Long.MAX_VALUE);
        return newest != null && VersionKey.main(newest) == main && VersionKey.sub(newest) == sub;
    }

    private static byte[] storedValue(VersionScan scan, byte[] userKey, long main, long sub) {
        scan.seekExact(VersionKey.group(userKey), main, sub);
        return scan.value();
    }

    private static byte[] etcdRevisionBytes(long main, long sub, boolean tombstone) {
        byte[] out = new byte[ETCD_REVISION_BYTES + (tombstone ? 1 : 0)];
        byte[] mainSub = RevisionRecord.key(main, sub);
        System.arraycopy(mainSub, 0, out, 0, 8);
        out[8] = '_';
        System.arraycopy(mainSub, 8, out, 9, 8);
        if (tombstone) {
            out[ETCD_REVISION_BYTES] = 't';
        }
        return out;
    }
}
