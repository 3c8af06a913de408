/**
 * Quorum arithmetic: which index a majority (or a joint pair of majorities) has acknowledged, and
 * whether a set of votes wins an election. Modelled on etcd raft's {@code quorum} package.
 *
 * <p>Pure functions over immutable configurations; no state, no I/O. It imports nothing of the node
 * but {@code io.etcetera.invariants}. Callers run it on the raft thread, but since every type
 * here is immutable it may be used from any thread.
 */
package io.etcetera.raft.quorum;
