package io.etcetera.raft.tracker;

import io.etcetera.invariants.Invariants;

/**
 * The {@link Progress} of every member (voters and learners, the local node included), keyed by
 * node ID.
 *
 * <p>Kept as parallel arrays sorted by unsigned ID: clusters are small, so a binary search beats
 * hashing, lookups need no boxing, and iteration order is deterministic. Invariant: IDs strictly
 * increase (unsigned) and no value is null. Confined to the raft thread.
 */
public final class ProgressMap {

    private long[] ids = new long[0];
    private Progress[] progresses = new Progress[0];

    /** A deep copy: each {@link Progress} is copied too. */
    public ProgressMap copy() {
        ProgressMap copy = new ProgressMap();
        copy.ids = ids.clone();
        copy.progresses = new Progress[progresses.length];
        for (int i = 0; i < progresses.length; i++) {
            copy.progresses[i] = progresses[i].copy();
        }
        return copy;
    }

    public int size() {
        return ids.length;
    }

    /** The ID at position {@code i} (ascending), for allocation-free iteration. */
    public long idAt(int i) {
        return ids[i];
    }

    /** The progress at position {@code i} (ascending by ID). */
    public Progress progressAt(int i) {
        return progresses[i];
    }

    /** The progress of {@code id}, or null when it is not a member. */
    public Progress get(long id) {
        int at = find(id);
        return at >= 0 ? progresses[at] : null;
    }

    public boolean contains(long id) {
        return find(id) >= 0;
    }

    /** Sets the progress of {@code id}, adding it if needed. */
    public void put(long id, Progress progress) {
        Invariants.check(progress != null, "null progress for %d", id);
        int at = find(id);
        if (at >= 0) {
            progresses[at] = progress;
            return;
        }
        int insert = -at - 1;
        long[] newIds = new long[ids.length + 1];
        Progress[] newProgresses = new Progress[ids.length + 1];
        System.arraycopy(ids, 0, newIds, 0, insert);
        System.arraycopy(progresses, 0, newProgresses, 0, insert);
        newIds[insert] = id;
        newProgresses[insert] = progress;
        System.arraycopy(ids, insert, newIds, insert + 1, ids.length - insert);
        System.arraycopy(progresses, insert, newProgresses, insert + 1, ids.length - insert);
        ids = newIds;
        progresses = newProgresses;
    }

    /** Removes {@code id}; does nothing when it is not a member. */
    public void remove(long id) {
        int at = find(id);
        if (at < 0) {
            return;
        }
        long[] newIds = new long[ids.length - 1];
        Progress[] newProgresses = new Progress[ids.length - 1];
        System.arraycopy(ids, 0, newIds, 0, at);
        System.arraycopy(progresses, 0, newProgresses, 0, at);
        System.arraycopy(ids, at + 1, newIds, at, ids.length - at - 1);
        System.arraycopy(progresses, at + 1, newProgresses, at, ids.length - at - 1);
        ids = newIds;
        progresses = newProgresses;
    }

    /** The members' IDs in ascending (unsigned) order; a copy. */
    public long[] ids() {
        return ids.clone();
    }

    /** Binary search by unsigned ID: the position, or {@code -(insertion point) - 1}. */
    private int find(long id) {
        int low = 0;
        int high = ids.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int order = Long.compareUnsigned(ids[mid], id);
            if (order < 0) {
                low = mid + 1;
            } else if (order > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    /** One line per member, as etcd prints it: {@code 1: StateReplicate match=5 next=6}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            text.append(Long.toHexString(ids[i])).append(": ").append(progresses[i]).append('\n');
        }
        return text.toString();
    }
}
