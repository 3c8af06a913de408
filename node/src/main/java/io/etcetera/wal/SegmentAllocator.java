package io.etcetera.wal;

import io.etcetera.invariants.Invariants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Prepares the spare segment ({@code segment.tmp}): created, zero-filled to the segment size and
 * synced, so that a cut only writes head records and renames it (etcd's file pipeline). At most one
 * spare is prepared at a time. Called from the WAL's thread; the filling runs on the configured
 * executor, and the file passes between the two threads only through the future, whose completion
 * orders the filling before the cut that uses it.
 */
final class SegmentAllocator {

    static final String SPARE_NAME = "segment.tmp";
    /** Zeros are written in pieces of this size. */
    private static final int ZERO_CHUNK_BYTES = 1 << 20;

    private final Path spare;
    private final long segmentBytes;
    private final Executor executor;
    /** The spare being prepared or ready; null when none is. */
    private CompletableFuture<Void> pending;

    SegmentAllocator(Path dir, long segmentBytes, Executor executor) {
        this.spare = dir.resolve(SPARE_NAME);
        this.segmentBytes = segmentBytes;
        this.executor = executor;
    }

    /**
     * Starts preparing the next spare on the executor, unless it is {@link WalConfig#IN_CUT}: then
     * {@link #take} prepares it when a cut needs it, so a log that is only opened costs nothing.
     */
    void prepareAhead() {
        Invariants.check(pending == null, "a spare segment is already being prepared");
        if (executor != WalConfig.IN_CUT) {
            prepare();
        }
    }

    private void prepare() {
        pending = CompletableFuture.runAsync(() -> {
            try {
                createZeroFilled(spare, segmentBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
    }

    /** The prepared spare, waiting for it if need be; the caller renames it away. */
    Path take() throws IOException {
        if (pending == null) {
            prepare();
        }
        try {
            pending.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause()
                    : new IOException("wal: preparing " + spare + " failed", e.getCause());
        } finally {
            pending = null;
        }
        return spare;
    }

    /** Waits for a preparation in flight and deletes the spare. */
    void close() throws IOException {
        if (pending != null) {
            try {
                pending.join();
            } catch (CompletionException e) {
                // The spare is being discarded; a failure to prepare it no longer matters.
            }
            pending = null;
        }
        Files.deleteIfExists(spare);
    }

    /** Creates (or replaces) {@code file} as {@code bytes} zeros, synced. */
    static void createZeroFilled(Path file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeZeros(channel, 0, bytes);
            channel.force(true);
        }
    }

    /** Writes zeros over [fromBytes, toBytes) of the file; no sync. */
    static void writeZeros(FileChannel channel, long fromBytes, long toBytes) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES);
        for (long at = fromBytes; at < toBytes; ) {
            zeros.clear().limit((int) Math.min(ZERO_CHUNK_BYTES, toBytes - at));
            at += channel.write(zeros, at);
        }
    }
}
