package io.etcetera.wal;

import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.wal.pb.Metadata;
import java.util.List;

/**
 * What {@link Wal#readAll} recovers: the log's metadata, its latest hard state (the default
 * instance if none was saved), and every entry after the snapshot marker the log was opened at, in
 * index order with overwritten suffixes resolved. Entries past {@code hardState.commit} may still
 * be overwritten by a leader, so they must not be applied yet (etcd's ReadAll says the same).
 * Immutable; {@code entries} is unmodifiable.
 */
public record RecoveredWal(Metadata metadata, HardState hardState, List<Entry> entries) {}
