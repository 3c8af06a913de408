package io.etcetera.raft.sim;

/**
 * How badly {@link SimNetwork} treats each message, besides partitions. Immutable.
 *
 * @param dropPerMille messages lost, per thousand
 * @param duplicatePerMille messages delivered twice (each copy with its own latency), per thousand
 * @param latencyMinInstants least time a message takes
 * @param latencyMaxInstants most time a message takes, except spikes; a spread reorders messages
 * @param spikePerMille messages delayed by a spike, per thousand
 * @param spikeMaxInstants most extra delay of a spike
 */
record NetworkFaults(int dropPerMille, int duplicatePerMille, int latencyMinInstants,
                     int latencyMaxInstants, int spikePerMille, int spikeMaxInstants) {

    /** A healthy LAN: no loss, no duplicates, latency within half a tick. */
    static final NetworkFaults CALM = new NetworkFaults(0, 0, 1,
            SimClock.INSTANTS_PER_TICK / 2, 0, 0);

    NetworkFaults {
        if (latencyMinInstants < 1 || latencyMaxInstants < latencyMinInstants) {
            throw new IllegalArgumentException("latency range [" + latencyMinInstants + ", "
                    + latencyMaxInstants + "] must start at 1 instant or later");
        }
    }
}
