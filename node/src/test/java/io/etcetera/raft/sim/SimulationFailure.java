package io.etcetera.raft.sim;

/**
 * A simulated run broke a property: the report names the seed, what broke, the cluster's state,
 * the last events one line each, and the command that replays the run.
 */
final class SimulationFailure extends AssertionError {

    /** Trace lines in a report: enough to see the last few elections and their messages. */
    static final int TRACE_LINES = 120;

    SimulationFailure(SimCluster cluster, String replay, Throwable cause) {
        super(report(cluster, replay, cause), cause);
    }

    private static String report(SimCluster cluster, String replay, Throwable cause) {
        return "seed " + cluster.seed() + " failed: " + cause + "\n"
                + cluster.describe()
                + "last events (tick, node, event):\n" + cluster.traceTail(TRACE_LINES)
                + "replay: " + replay;
    }
}
