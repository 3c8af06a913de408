package io.etcetera.operator.plan;

import java.time.Duration;

/**
 * The part of the spec the planner needs.
 *
 * @param restoreFromSnapshot the first member restores the bootstrap snapshot
 * @param unhealthyGrace how long a member may stay unready before it is replaced
 * @param catchUpEntriesMax a learner within this many Raft entries of the leader may be promoted
 * @param deleteRemovedVolumes reclaim policy Delete: claims of removed members are deleted
 */
public record Desired(String cluster, int size, boolean paused, boolean restoreFromSnapshot,
        Duration unhealthyGrace, long catchUpEntriesMax, boolean deleteRemovedVolumes) {

    public Desired {
        if (size < 1) {
            throw new IllegalArgumentException("size(" + size + ") < 1");
        }
    }
}
