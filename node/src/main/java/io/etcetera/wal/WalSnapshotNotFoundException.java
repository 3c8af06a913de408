package io.etcetera.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log holds no snapshot marker with the index and term {@link Wal#open} was given (etcd's
 * ErrSnapshotNotFound and ErrSnapshotMismatch), or the segments that held it were released. The
 * caller chose a snapshot that does not belong to this log. Immutable.
 */
public final class WalSnapshotNotFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    WalSnapshotNotFoundException(Path dir, long index, long term, String detail) {
        super(String.format("wal: no snapshot marker at index %d term %d in %s: %s. Open the log at"
                + " one of the markers Wal.validSnapshotMarkers lists.", index, term, dir, detail));
    }
}
