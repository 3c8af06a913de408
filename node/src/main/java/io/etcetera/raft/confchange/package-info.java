/**
 * Membership changes: turns the current configuration and a {@code ConfChangeV2} into the next
 * configuration, one voter at a time ("simple") or through joint consensus (Raft thesis §4.3),
 * and rebuilds a configuration from a snapshot's {@code ConfState}. Modelled on etcd raft's
 * {@code confchange} package.
 *
 * <p>Works on copies and returns the result, so a rejected change leaves the caller untouched.
 * Confined to the raft thread. Imports only {@code raft.tracker}, {@code raft.quorum},
 * {@code raft.pb} and {@code io.etcetera.invariants}.
 */
package io.etcetera.raft.confchange;
