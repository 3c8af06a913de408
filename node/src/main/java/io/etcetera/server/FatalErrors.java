package io.etcetera.server;

import io.etcetera.wal.SnapshotCorruptException;
import io.etcetera.wal.WalCorruptException;
import io.etcetera.wal.WalSnapshotNotFoundException;

import java.io.IOException;

/**
 * The message a member logs when a fatal error stops it: what failed, where, and what the operator
 * must do with the data dir. The storage errors that already name their file and offset and the
 * operator's action (WAL corruption) are passed through as they are. Stateless.
 */
final class FatalErrors {

    private FatalErrors() {}

    static String describe(Throwable error, DataDir dataDir) {
        if (error instanceof WalCorruptException || error instanceof WalSnapshotNotFoundException
                || error instanceof SnapshotCorruptException) {
            return "etcetera: member stopped: " + error.getMessage();
        }
        if (error instanceof IOException) {
            return String.format("etcetera: member stopped: writing its data in %s failed: %s."
                    + " Everything it acknowledged was synced before the failure. Fix the disk"
                    + " (space, permissions, hardware) and restart the member on the same data"
                    + " dir; it recovers from its write-ahead log.", dataDir.root(),
                    error.getMessage());
        }
        return String.format("etcetera: member stopped: %s. Restart the member on the same data"
                + " dir (%s): it replays its write-ahead log from the last state the store made"
                + " durable. If it stops again the same way, its data is damaged: remove it from"
                + " the cluster (etcdctl member remove), delete %s and add it back as a new member,"
                + " or restore from a snapshot (etcetera snapshot restore).", error, dataDir.root(),
                dataDir.root());
    }
}
