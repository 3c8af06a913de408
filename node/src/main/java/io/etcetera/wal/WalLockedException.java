package io.etcetera.wal;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or another {@link Wal} in this one) has the log directory open. Immutable. */
public final class WalLockedException extends IOException {

    private static final long serialVersionUID = 1L;

    WalLockedException(Path lockFile) {
        super(String.format("wal: %s is locked by another process; two members cannot share a data"
                + " directory. Stop the other process, or give this member its own --data-dir.",
                lockFile));
    }
}
