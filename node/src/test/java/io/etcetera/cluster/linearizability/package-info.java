/**
 * A linearizability checker for histories of get / put / compare-and-set on independent keys
 * (test scope): Wing and Gong's search with Lowe's memo, as Porcupine runs it, on each key apart
 * ({@link io.etcetera.cluster.linearizability.LinearizabilityChecker}); writes whose outcome the
 * client never learnt may have taken effect or not, never both; a {@link
 * io.etcetera.cluster.linearizability.Budget} bounds the search, past which the verdict is
 * UNKNOWN; {@link io.etcetera.cluster.linearizability.HistoryFile} saves and loads histories and
 * {@link io.etcetera.cluster.linearizability.CheckHistory} checks saved ones from the command
 * line.
 *
 * <p>Single-threaded: one check runs on its caller's thread.
 */
package io.etcetera.cluster.linearizability;
