package io.etcetera.operator.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Snapshot files on a claim mounted at {@code root}: written to a temporary file beside the target,
 * fsynced, renamed into place, and the directory fsynced, so a crash leaves either no file or a
 * whole verified one.
 */
public final class VolumeStore implements SnapshotStore {

    private final Path root;
    private final String claimName;

    /** {@code mountRoot/claimName} is where the claim is mounted in the operator's pod. */
    public VolumeStore(Path mountRoot, String claimName) {
        this.root = mountRoot.resolve(claimName);
        this.claimName = claimName;
    }

    @Override
    public StoredSnapshot write(String path, Source source) throws IOException {
        Path target = resolve(path);
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling("." + target.getFileName() + ".part");
        try {
            var result = writeSynced(temporary, source);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
            return new StoredSnapshot(result,
                    "file://" + claimName + "/" + root.relativize(target));
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public void delete(String path) throws IOException {
        Files.deleteIfExists(resolve(path));
    }

    /** Writes what {@code source} streams to {@code file} and fsyncs it. */
    static io.etcetera.operator.etcd.SnapshotResult writeSynced(Path file, Source source)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                OutputStream out = new java.io.BufferedOutputStream(
                        java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
            var result = source.streamTo(out);
            out.flush();
            channel.force(true);
            return result;
        }
    }

    private Path resolve(String path) {
        Path target = root.resolve(path).normalize();
        if (!target.startsWith(root)) {
            throw new IllegalArgumentException("snapshot path " + path + " leaves claim "
                    + claimName);
        }
        return target;
    }
}
