/**
 * The write-ahead log: the Raft log, hard state and snapshot markers in segmented, CRC-checked files.
 *
 * <p>Imports only the Raft types ({@code io.etcetera.raft.pb}) and the leaves. Called by the raft loop.
 */
package io.etcetera.wal;
