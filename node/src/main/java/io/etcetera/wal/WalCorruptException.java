package io.etcetera.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log is damaged before its tail: a CRC mismatch, garbage, a missing segment or an impossible
 * record. Fatal: the member must stop. The message names the file, the byte offset and what the
 * operator must do. Immutable.
 */
public final class WalCorruptException extends IOException {

    private static final long serialVersionUID = 1L;

    static final String OPERATOR_ACTION = "Do not restart this member on this data: remove it"
            + " from the cluster (etcdctl member remove), delete its data directory and add it back"
            + " as a new member (etcdctl member add) so it catches up from the leader; if this"
            + " member holds the only copy, restore the cluster from a snapshot instead.";

    private final transient Path file;
    private final long offsetBytes;

    WalCorruptException(Path file, long offsetBytes, String problem) {
        super(String.format("wal: %s in %s at byte offset %d. The log is damaged before its tail,"
                + " so records this member acknowledged cannot be trusted. %s",
                problem, file, offsetBytes, OPERATOR_ACTION));
        this.file = file;
        this.offsetBytes = offsetBytes;
    }

    /** The damaged segment file. */
    public Path file() {
        return file;
    }

    /** Where in {@link #file()} the damage starts. */
    public long offsetBytes() {
        return offsetBytes;
    }
}
