package io.etcetera.raft.sim;

import com.google.protobuf.ByteString;
import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.Entry;
import java.nio.ByteBuffer;

/**
 * A node's state machine, reduced to what the checks need: the index it has applied up to and a
 * running hash of every entry applied so far (index, term, type and data), so two state machines
 * at the same index agree exactly when they applied the same log prefix. A Raft snapshot carries
 * that hash as its data.
 *
 * <p>Like a store that writes its applied index with its data and flushes now and then (RocksDB
 * with its own WAL off), only a prefix is durable: a crash takes it back to the last
 * {@link #flush}, which is never below the node's own last Raft snapshot (a snapshot is taken
 * from flushed state); a leader's snapshot persisted but not yet applied at the crash is restored
 * from on restart ({@link SimNode#start}). After a restart it may hold entries that Raft hands
 * out again; those are skipped. Invariant: it applies entries one index after another. Confined
 * to the simulation's single thread.
 */
final class SimStateMachine {

    private long appliedIndex;
    private long hash;
    private long flushedIndex;
    private long flushedHash;

    long appliedIndex() {
        return appliedIndex;
    }

    long hash() {
        return hash;
    }

    /**
     * Applies {@code entry} unless this state machine holds it already (after a restart).
     *
     * @return whether it was applied
     */
    boolean apply(Entry entry) {
        if (entry.getIndex() <= appliedIndex) {
            return false;
        }
        if (entry.getIndex() != appliedIndex + 1) {
            throw new AssertionError("state machine at " + appliedIndex + " is handed entry "
                    + entry.getIndex() + ": entries in between were never applied");
        }
        hash = next(hash, entry);
        appliedIndex = entry.getIndex();
        return true;
    }

    /** The running hash after applying {@code entry} on top of {@code hash}. */
    static long next(long hash, Entry entry) {
        long mixed = mix(hash * 31 + entry.getTerm());
        mixed = mix(mixed ^ entry.getIndex());
        return mix(mixed ^ ((long) entry.getData().hashCode() << 8 | entry.getTypeValue()));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Makes the current state durable. */
    void flush() {
        flushedIndex = appliedIndex;
        flushedHash = hash;
    }

    /** Power loss: back to the last flush. */
    void crash() {
        appliedIndex = flushedIndex;
        hash = flushedHash;
    }

    /** The snapshot payload of the current state: its hash. */
    ByteString snapshotData() {
        return ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(0, hash));
    }

    /** Replaces the state by a snapshot's, at {@code index}; durable at once. */
    void restore(long index, ByteString data) {
        Invariants.check(data.size() == Long.BYTES, "snapshot data of %d bytes at index %d",
                data.size(), index);
        appliedIndex = index;
        hash = hashOf(data);
        flush();
    }

    static long hashOf(ByteString snapshotData) {
        return snapshotData.asReadOnlyByteBuffer().getLong(0);
    }
}
