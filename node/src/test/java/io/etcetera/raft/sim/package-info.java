/**
 * Deterministic simulation of whole Raft clusters (DESIGN.md, testing the {@code raft} package),
 * after TigerBeetle's VOPR and Kafka's {@code RaftEventSimulationTest}: every member, the network,
 * the disks and the clocks run on one thread, and everything random comes from one seed, so a
 * seed replays exactly.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.etcetera.raft.sim.SimCluster}: the members over the network, ticked by the
 *       clock, one instant at a time; {@link io.etcetera.raft.sim.SimNode} drives one
 *       {@code RawNode} as the server's raft loop does (persist, send, apply, advance), with a
 *       {@link io.etcetera.raft.sim.SimDisk} (a crash keeps a random prefix of unsynced writes)
 *       and a {@link io.etcetera.raft.sim.SimStateMachine} (a hash of the applied prefix).
 *   <li>{@link io.etcetera.raft.sim.SimNetwork}: latency spread (reordering), loss,
 *       duplication, delay spikes ({@link io.etcetera.raft.sim.NetworkFaults}) and partitions
 *       (symmetric, one-way, a node or the leader isolated).
 *   <li>{@link io.etcetera.raft.sim.SafetyChecker}: after every step of every member, Election
 *       Safety, Log Matching, Leader Completeness, State Machine Safety, terms, commit and
 *       applied indexes that never go back, and ReadIndex answers that cover every write
 *       acknowledged before the read.
 *   <li>{@link io.etcetera.raft.sim.RandomRun}: one seed: options drawn from it
 *       ({@link io.etcetera.raft.sim.SimOptions}), clients
 *       ({@link io.etcetera.raft.sim.SimClients}) and faults
 *       ({@link io.etcetera.raft.sim.Nemesis}: crashes, partitions, membership changes, leader
 *       transfers, campaigns), then healing and the liveness check within
 *       {@link io.etcetera.raft.sim.LivenessBound}.
 *   <li>{@link io.etcetera.raft.sim.Scenario}: a fluent language for scripted runs, used by
 *       {@link io.etcetera.raft.sim.RaftScenarioTest} for the cases the paper singles out.
 * </ul>
 *
 * <h2>Running</h2>
 * {@code RaftSimulationTest} runs seeds 0 to 1999 in every build. More seeds:
 * {@code mvn -B -ntp -o -pl node test -Dtest=RaftSimulationTest -Draft.sim.seeds=100000}
 * (from {@code -Draft.sim.start=S}, default 0). A failure prints the seed, what broke, every
 * member's state, the last events one line each ({@link io.etcetera.raft.sim.SimTrace}) and the
 * command that replays it: {@code -Draft.sim.seed=S}. A seed that found a bug is kept as a named
 * test in {@code RaftSimulationTest}.
 */
package io.etcetera.raft.sim;
