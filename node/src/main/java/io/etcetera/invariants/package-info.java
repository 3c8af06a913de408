/**
 * Always-on invariant checks and the switch for expensive verification. A leaf every package may use,
 * {@code raft} included.
 */
package io.etcetera.invariants;
