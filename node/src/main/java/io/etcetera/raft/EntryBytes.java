package io.etcetera.raft;

import io.etcetera.raft.pb.Entry;
import java.util.List;

/**
 * The two ways the engine measures entries, as etcd does: encoded size (what a message or a Ready
 * carries) for message and apply batches, and payload size (the data alone, so that an empty
 * entry costs nothing) for the in-flight window and the uncommitted-tail limit. Pure functions.
 */
final class EntryBytes {

    private EntryBytes() {}

    /** Encoded size of {@code entries}; protobuf memoizes each entry's size. */
    static long encoded(List<Entry> entries) {
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            bytes += entries.get(i).getSerializedSize();
        }
        return bytes;
    }

    /** Payload size of {@code entries}. */
    static long payload(List<Entry> entries) {
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            bytes += entries.get(i).getData().size();
        }
        return bytes;
    }

    /**
     * How many leading entries fit into {@code bytesMax} encoded bytes; at least one when
     * {@code entries} is not empty, so that an oversized entry still makes progress.
     */
    static int prefixWithin(List<Entry> entries, long bytesMax) {
        if (entries.isEmpty()) {
            return 0;
        }
        long bytes = entries.get(0).getSerializedSize();
        int count = 1;
        while (count < entries.size()) {
            bytes += entries.get(count).getSerializedSize();
            if (bytes > bytesMax) {
                break;
            }
            count++;
        }
        return count;
    }
}
