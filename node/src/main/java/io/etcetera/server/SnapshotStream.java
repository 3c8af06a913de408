package io.etcetera.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

/**
 * One client snapshot being streamed (etcd's {@code Maintenance.Snapshot}): the archive of a
 * store checkpoint ({@link SnapshotArchive}) in chunks of {@link #CHUNK_BYTES}, each with the bytes
 * that remain, then one last chunk holding the SHA-256 of everything sent, as etcd 3.4 does.
 *
 * <p>Reading runs on the member's maintenance thread ({@link #next} returns a future), so the
 * caller's I/O thread never touches the disk. Used by one caller at a time, which asks for the
 * next chunk only after the previous one completed; {@link #close} removes the checkpoint.
 */
public final class SnapshotStream implements AutoCloseable {

    /** etcd's {@code snapshotSendBufferSize}. */
    public static final int CHUNK_BYTES = 32 * 1024;

    /** One message of the stream. */
    public record Chunk(ByteString blob, long remainingBytes) {}

    private final Path checkpoint;
    private final InputStream archive;
    private final long totalBytes;
    private final Executor executor;
    private final MessageDigest sha256;
    private long sentBytes;
    private boolean digestSent;

    SnapshotStream(Path checkpoint, SnapshotArchive.Source source, Executor executor) {
        this.checkpoint = checkpoint;
        this.archive = source.open();
        this.totalBytes = source.totalBytes();
        this.executor = executor;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Bytes of the archive, without the trailing hash. */
    public long totalBytes() {
        return totalBytes;
    }

    /** The next chunk, the hash chunk after the last one, then null: the stream is complete. */
    public CompletableFuture<Chunk> next() {
        return CompletableFuture.supplyAsync(this::read, executor);
    }

    private Chunk read() {
        if (sentBytes < totalBytes) {
            byte[] buffer = new byte[(int) Math.min(CHUNK_BYTES, totalBytes - sentBytes)];
            int filled = 0;
            try {
                while (filled < buffer.length) {
                    int n = archive.read(buffer, filled, buffer.length - filled);
                    if (n < 0) {
                        throw new IOException("the checkpoint in " + checkpoint
                                + " changed while it was streamed");
                    }
                    filled += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sentBytes += filled;
            sha256.update(buffer);
            return new Chunk(UnsafeByteOperations.unsafeWrap(buffer), totalBytes - sentBytes);
        }
        if (!digestSent) {
            digestSent = true;
            return new Chunk(UnsafeByteOperations.unsafeWrap(sha256.digest()), 0);
        }
        return null;
    }

    /** Releases the checkpoint (on the maintenance thread). Idempotent. */
    @Override
    public void close() {
        Runnable release = () -> {
            try {
                archive.close();
                deleteTree(checkpoint);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try {
            executor.execute(release);
        } catch (RejectedExecutionException stopped) {
            release.run(); // the member stopped: nothing else uses the checkpoint
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
