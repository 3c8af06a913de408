package io.etcetera.raft;

/**
 * The volatile part of a node's state that the caller may want to react to (leader changes,
 * becoming leader); never persisted. Immutable.
 *
 * @param leader the leader's ID as this node knows it, 0 when none
 * @param role this node's role
 */
public record SoftState(long leader, RaftRole role) {}
