/**
 * The Raft consensus engine, modelled on etcd's raft library: a pure, single-threaded state
 * machine.
 *
 * <p>It owns elections (randomized timeouts, PreVote, CheckQuorum), log replication (per-follower
 * {@link io.etcetera.raft.tracker.Progress}, a bounded in-flight window, fast back-off),
 * snapshots, membership changes (single-step and joint consensus), leader transfer and ReadIndex.
 * It may import nothing else of the node but {@code io.etcetera.invariants}; it does no I/O,
 * starts no threads, takes no locks and reads no clock. Time enters only as {@code tick()},
 * randomness only through the {@code RandomGenerator} in its {@link io.etcetera.raft.RaftConfig}.
 * The caller (the server's raft loop) runs it on one thread.
 *
 * <h2>Using it</h2>
 * {@link io.etcetera.raft.RawNode} is the only entry point; its Javadoc lists the caller's duties.
 * In short: feed it ticks, peer messages and requests; whenever it has a
 * {@link io.etcetera.raft.Ready}, persist what it says (snapshot, hard state, entries), send its
 * messages, apply its committed entries, and call {@code advance}. {@link io.etcetera.raft.Storage}
 * is its read-only view of what was persisted; {@link io.etcetera.raft.MemoryStorage} is the
 * in-memory implementation the server keeps up to date. Requests it cannot take throw
 * {@link io.etcetera.raft.ProposalDroppedException} with a reason.
 *
 * <h2>Inside</h2>
 * <ul>
 *   <li>{@code Raft}: terms, roles, elections and message dispatch; {@code LeaderRole},
 *       {@code CandidateRole}, {@code FollowerRole}: each role's message handling;
 *       {@code Replication}: appends, heartbeats, snapshots out and the commit rule;
 *       {@code Reconfiguration}: applying conf changes and installing snapshots.
 *   <li>{@code RaftLog} over {@code Storage} and {@code UnstableLog}: the log as the engine sees
 *       it, with the commit and apply positions.
 *   <li>{@code ReadOnly}: ReadIndex requests waiting for a quorum's confirmation.
 *   <li>Subpackages: {@code tracker} (progress, in-flight window, configuration), {@code quorum}
 *       (majority arithmetic), {@code confchange} (computing the next configuration).
 * </ul>
 *
 * <p>Where etcd's behaviour is followed to the letter, the class documentation says so; the one
 * deliberate difference: {@link io.etcetera.raft.Ready#mustSync} is also true for a Ready that
 * carries a snapshot.
 */
package io.etcetera.raft;
