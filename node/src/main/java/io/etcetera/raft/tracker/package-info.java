/**
 * What a leader knows about each peer: its {@link io.etcetera.raft.tracker.Progress} (match and
 * next index, probe / replicate / snapshot state, the bounded in-flight window), the cluster
 * configuration it belongs to, and the votes of the current election. Modelled on etcd raft's
 * {@code tracker} package.
 *
 * <p>Mutable and confined to the raft thread, like the engine that owns it. Imports only
 * {@code raft.quorum}, {@code raft.pb} and {@code io.etcetera.invariants}.
 */
package io.etcetera.raft.tracker;
