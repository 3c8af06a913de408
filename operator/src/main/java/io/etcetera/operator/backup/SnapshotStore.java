package io.etcetera.operator.backup;

import io.etcetera.operator.etcd.SnapshotResult;
import java.io.IOException;
import java.io.OutputStream;

/** A destination for snapshot files. */
public interface SnapshotStore {

    /** Streams one snapshot into the store. */
    @FunctionalInterface
    interface Source {
        SnapshotResult streamTo(OutputStream out) throws IOException;
    }

    /**
     * Writes the snapshot {@code source} produces to {@code path} (relative to the store's root or
     * bucket) and returns the stored result and location; stores nothing when {@code source}
     * throws.
     */
    StoredSnapshot write(String path, Source source) throws IOException;

    /** Deletes a snapshot written earlier at {@code path}; a missing one is no error. */
    void delete(String path) throws IOException;

    /** Path of snapshot {@code name} under a destination path (a directory or a .db file). */
    static String pathFor(String destinationPath, String name) {
        String base = destinationPath == null ? "" : destinationPath;
        if (base.endsWith(".db")) {
            return base;
        }
        return (base.isEmpty() || base.endsWith("/") ? base : base + "/") + name + ".db";
    }

    /** A snapshot at rest. */
    record StoredSnapshot(SnapshotResult result, String location) {
    }
}
