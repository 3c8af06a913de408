/**
 * The Raft consensus engine, modelled on etcd's raft library: a pure, single-threaded state machine.
 *
 * <p>It owns elections, log replication, snapshots, membership changes, leader transfer and ReadIndex.
 * It may import nothing else of the node but {@code io.etcetera.invariants}; it does no I/O, starts no
 * threads, takes no locks and reads no clock. Time enters only as {@code tick()}, randomness only
 * through the {@code RandomGenerator} in its configuration. The caller (the server's raft loop)
 * runs it on one thread.
 */
package io.etcetera.raft;
