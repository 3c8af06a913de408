package io.etcetera.lease;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import io.etcetera.lease.pb.LeaseRecord;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Where and how a lease is persisted among the member's records (the mvcc store's records
 * family, written in the same atomic batch as the applied entry that changed it).
 *
 * <pre>
 * key   = "lease/" BE64(leaseId)
 * value = LeaseRecord (lease.proto): id, granted TTL, remaining TTL at the last checkpoint
 * </pre>
 *
 * <p>Stateless; used from any thread.
 */
public final class LeaseRecords {

    /** The prefix of every lease record: the server reads them back with it at open. */
    public static final ByteString PREFIX = ByteString.copyFromUtf8("lease/");

    private static final int ID_BYTES = Long.BYTES;

    private LeaseRecords() {}

    /** The record key of lease {@code id}. */
    public static byte[] key(long id) {
        return ByteBuffer.allocate(PREFIX.size() + ID_BYTES)
                .put(PREFIX.asReadOnlyByteBuffer())
                .putLong(id)
                .array();
    }

    /**
     * Parses one stored record and checks it against its key. A record that does not parse or does
     * not match is a storage fault: the member must stop.
     */
    static LeaseRecord decode(ByteString key, ByteString value) {
        LeaseRecord record;
        try {
            record = LeaseRecord.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "lease record " + hex(key) + " does not parse: " + e.getMessage(), e);
        }
        if (!key.equals(ByteString.copyFrom(key(record.getId())))
                || record.getId() == Lessor.NO_LEASE
                || record.getTtlSeconds() <= 0
                || record.getTtlSeconds() > Lessor.TTL_SECONDS_MAX
                || record.getRemainingTtlSeconds() < 0) {
            throw new IllegalStateException(
                    "lease record " + hex(key) + " holds an impossible lease: " + record);
        }
        return record;
    }

    private static String hex(ByteString key) {
        return HexFormat.of().formatHex(key.toByteArray());
    }
}
