package io.etcetera.lease;

import com.google.protobuf.ByteString;

import io.etcetera.lease.pb.LeaseRecord;

import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A member's records family in memory, in the shape the mvcc store gives it back: the sinks a
 * test passes to the lessor ({@code records::put}, {@code records::delete}) stand for the apply
 * batch's {@code putRecord} and {@code deleteRecord}. Test thread only.
 */
final class MemoryRecords {

    private final NavigableMap<ByteString, ByteString> records =
            new TreeMap<>(ByteString.unsignedLexicographicalComparator());

    void put(byte[] key, byte[] value) {
        records.put(ByteString.copyFrom(key), ByteString.copyFrom(value));
    }

    void delete(byte[] key) {
        records.remove(ByteString.copyFrom(key));
    }

    /** What {@code ReadView.records(LeaseRecords.PREFIX)} would return. */
    NavigableMap<ByteString, ByteString> read() {
        return new TreeMap<>(records);
    }

    /** The stored lease {@code id}, or null. */
    LeaseRecord lease(long id) {
        ByteString key = ByteString.copyFrom(LeaseRecords.key(id));
        ByteString value = records.get(key);
        return value == null ? null : LeaseRecords.decode(key, value);
    }

    int size() {
        return records.size();
    }
}
