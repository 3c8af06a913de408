package io.etcetera.raft;

/** A snapshot older than (or as old as) the one the storage already holds was offered to it. */
public final class SnapshotOutOfDateException extends RuntimeException {

    public SnapshotOutOfDateException(long offeredIndex, long currentIndex) {
        super("snapshot at index " + offeredIndex + " is older than the existing snapshot at index "
                + currentIndex);
    }
}
