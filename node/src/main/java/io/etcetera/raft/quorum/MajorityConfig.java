package io.etcetera.raft.quorum;

import io.etcetera.invariants.Invariants;
import java.util.Arrays;
import java.util.Map;

/**
 * A set of voters that decides by simple majority: {@code n/2 + 1} of {@code n} members.
 *
 * <p>Immutable. Invariant: the IDs are distinct, non-zero and sorted as unsigned numbers (etcd's
 * node IDs are unsigned 64-bit values), so iteration order, and with it every message the engine
 * emits, is deterministic. The empty configuration is the neutral element of a joint
 * configuration: it has committed everything ({@link Long#MAX_VALUE}) and wins every vote.
 */
public final class MajorityConfig {

    /** The configuration with no voters. */
    public static final MajorityConfig EMPTY = new MajorityConfig(new long[0]);

    private final long[] ids;

    private MajorityConfig(long[] sortedIds) {
        this.ids = sortedIds;
    }

    /** The configuration holding {@code ids}; duplicates are folded. Zero is not a node ID. */
    public static MajorityConfig of(long... ids) {
        long[] sorted = Arrays.stream(ids).boxed().sorted(Long::compareUnsigned).distinct()
                .mapToLong(Long::longValue).toArray();
        Invariants.check(sorted.length == 0 || sorted[0] != 0, "node id 0 among %d voters",
                sorted.length);
        return sorted.length == 0 ? EMPTY : new MajorityConfig(sorted);
    }

    /** This configuration with {@code id} added (or this one when it is already a member). */
    public MajorityConfig with(long id) {
        if (contains(id)) {
            return this;
        }
        long[] grown = Arrays.copyOf(ids, ids.length + 1);
        grown[ids.length] = id;
        return of(grown);
    }

    /** This configuration without {@code id} (or this one when it is not a member). */
    public MajorityConfig without(long id) {
        if (!contains(id)) {
            return this;
        }
        return of(Arrays.stream(ids).filter(other -> other != id).toArray());
    }

    public boolean contains(long id) {
        for (long member : ids) {
            if (member == id) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return ids.length;
    }

    public boolean isEmpty() {
        return ids.length == 0;
    }

    /** The {@code i}-th smallest member, for allocation-free iteration. */
    public long idAt(int i) {
        return ids[i];
    }

    /** The members in ascending (unsigned) order; a copy. */
    public long[] ids() {
        return ids.clone();
    }

    /**
     * The largest index that a majority has acknowledged: sort the acknowledged indexes and take
     * the one that {@code n/2 + 1} voters have reached. Voters that acknowledged nothing count
     * as 0.
     */
    public long committedIndex(AckedIndexer acked) {
        int n = ids.length;
        if (n == 0) {
            // Joint with an empty half: the empty half must not hold the other half back.
            return Long.MAX_VALUE;
        }
        long[] indexes = new long[n];
        for (int i = 0; i < n; i++) {
            indexes[i] = acked.ackedIndex(ids[i]);
        }
        Arrays.sort(indexes);
        // Ascending order: the voter at position n - quorum has, with everyone above it, a quorum.
        return indexes[n - (n / 2 + 1)];
    }

    /**
     * Counts {@code votes} (true = granted, false = rejected, absent = not yet heard) of this
     * configuration's members. Votes of non-members are ignored.
     */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        if (ids.length == 0) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : ids) {
            Boolean vote = votes.get(id);
            if (vote == null) {
                missing++;
            } else if (vote) {
                granted++;
            }
        }
        int quorum = ids.length / 2 + 1;
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        return granted + missing >= quorum ? VoteResult.PENDING : VoteResult.LOST;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MajorityConfig that && Arrays.equals(ids, that.ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    /** As etcd prints it: hexadecimal IDs in parentheses, e.g. {@code (1 2 3)}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(Long.toHexString(ids[i]));
        }
        return text.append(')').toString();
    }
}
