package io.etcetera.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes directory changes durable: after a create, rename or delete, the directory itself must be
 * synced or the change may be lost in a crash even though the file's data was synced. Stateless.
 */
final class Fsync {

    private Fsync() {}

    /** fsync(2) on the directory, so its entries (created, renamed, deleted files) are durable. */
    static void directory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
