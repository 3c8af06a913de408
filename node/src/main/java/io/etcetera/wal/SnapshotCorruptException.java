package io.etcetera.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file is empty, does not parse, fails its CRC, or does not match its name. The
 * {@link Snapshotter} skips such a file (renamed to {@code .broken}) and falls back to an older
 * one. Immutable.
 */
public final class SnapshotCorruptException extends IOException {

    private static final long serialVersionUID = 1L;

    SnapshotCorruptException(Path file, String problem) {
        super(String.format("snap: %s: %s", file, problem));
    }
}
