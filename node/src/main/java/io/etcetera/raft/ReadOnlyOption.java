package io.etcetera.raft;

/** How the leader confirms that it is still leader before it answers a ReadIndex request. */
public enum ReadOnlyOption {
    /**
     * A heartbeat round acknowledged by a quorum (Raft thesis §6.4). Linearizable regardless of
     * clocks; the default.
     */
    SAFE,
    /**
     * Trust the leader lease that CheckQuorum maintains (thesis §6.4.1): no round trip, but only as
     * safe as the bound on clock drift between members. Requires CheckQuorum.
     */
    LEASE_BASED
}
