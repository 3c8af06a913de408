package io.etcetera.raft.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * Simulated time: a count of instants, {@link #INSTANTS_PER_TICK} to a Raft tick. Each node ticks
 * on its own schedule, offset from the others' by a phase and, when a run asks for it, pushed
 * back or forward by clock drift, so that nodes never tick in lockstep.
 *
 * <p>Network latencies and disk writes are counted in instants, so a message usually arrives
 * within a fraction of a tick (a heartbeat interval), as on a LAN. Invariant: time never goes
 * back; a node's next tick is in the future. Confined to the simulation's single thread.
 */
final class SimClock {

    /** Instants per tick: the resolution of latencies within one heartbeat interval. */
    static final int INSTANTS_PER_TICK = 10;

    private long now;
    /** Per node, the instant of its next tick. */
    private final Map<Long, Long> nextTickAt = new HashMap<>();

    long now() {
        return now;
    }

    /** Whole ticks elapsed. */
    long ticks() {
        return now / INSTANTS_PER_TICK;
    }

    void advance() {
        now++;
    }

    /** Starts ticking {@code node} at {@code phaseInstants} into the next tick. */
    void schedule(long node, int phaseInstants) {
        nextTickAt.put(node, now + 1 + Math.floorMod(phaseInstants, INSTANTS_PER_TICK));
    }

    /** Whether {@code node} is due to tick now; then {@link #scheduleNextTick} must follow. */
    boolean tickDue(long node) {
        Long due = nextTickAt.get(node);
        return due != null && due <= now;
    }

    /**
     * Schedules {@code node}'s next tick a tick from now, moved by {@code driftInstants}
     * (positive: its clock runs slow).
     */
    void scheduleNextTick(long node, int driftInstants) {
        nextTickAt.put(node, now + Math.max(1, INSTANTS_PER_TICK + driftInstants));
    }

    void unschedule(long node) {
        nextTickAt.remove(node);
    }
}
