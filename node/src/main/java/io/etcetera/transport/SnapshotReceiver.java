package io.etcetera.transport;

import io.etcetera.transport.pb.SnapshotChunk;
import io.etcetera.transport.pb.SnapshotReceived;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.LongFunction;

/**
 * Receives snapshots from peers into the snapshot directory: each call becomes an {@link
 * IncomingSnapshot} whose chunks are written by one thread, {@code etcetera-peer-snapshot-receive},
 * so a gRPC I/O thread never touches the disk. Memory stays bounded whatever the snapshot's size:
 * the next chunk is requested only after the previous one was written, so at most one chunk waits
 * here and HTTP/2 flow control holds the sender back.
 *
 * <p>At most {@link #RECEIVES_MAX} snapshots are received at once; more are refused with {@code
 * RESOURCE_EXHAUSTED}. Partial files a crash left behind are removed when the transport starts.
 * Thread-safe.
 */
final class SnapshotReceiver implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SnapshotReceiver.class.getName());

    /** Snapshots received at the same time; Raft sends one per follower, from the leader. */
    static final int RECEIVES_MAX = 4;

    /** Each transfer has at most a chunk, its end and a cancel waiting for the disk thread. */
    private static final int DISK_TASKS_MAX = 4 * RECEIVES_MAX;

    private final long localId;
    private final Path snapshotDir;
    private final TransportListener listener;
    private final LongFunction<PeerCounters> counters;
    private final Semaphore receives = new Semaphore(RECEIVES_MAX);
    private final ThreadPoolExecutor disk =
            new ThreadPoolExecutor(
                    1,
                    1,
                    0,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(DISK_TASKS_MAX),
                    task -> {
                        Thread thread = new Thread(task, "etcetera-peer-snapshot-receive");
                        thread.setDaemon(true);
                        return thread;
                    });

    SnapshotReceiver(
            long localId,
            Path snapshotDir,
            TransportListener listener,
            LongFunction<PeerCounters> counters) {
        this.localId = localId;
        this.snapshotDir = snapshotDir;
        this.listener = listener;
        this.counters = counters;
    }

    /** Creates the snapshot directory if needed and deletes partial files of earlier runs. */
    void removePartialFiles() throws IOException {
        Files.createDirectories(snapshotDir);
        try (DirectoryStream<Path> partial =
                Files.newDirectoryStream(
                        snapshotDir,
                        "*" + IncomingSnapshot.SUFFIX + ".*" + IncomingSnapshot.PART_SUFFIX)) {
            for (Path file : partial) {
                LOG.log(Level.INFO, "removing a partial snapshot file: " + file);
                Files.deleteIfExists(file);
            }
        }
    }

    /** The handler of snapshot calls; {@code admit} closes calls that may not proceed. */
    ServerCallHandler<SnapshotChunk, SnapshotReceived> handler(
            BiPredicate<ServerCall<?, ?>, Metadata> admit) {
        return (call, headers) -> {
            if (!admit.test(call, headers)) {
                return new ServerCall.Listener<>() {};
            }
            long from = PeerHeaders.from(headers);
            PeerCounters peer = counters.apply(from);
            if (!receives.tryAcquire()) {
                peer.snapshotReceiveFailures.increment();
                call.close(
                        Status.RESOURCE_EXHAUSTED.withDescription(
                                "more than " + RECEIVES_MAX + " snapshots in flight"),
                        new Metadata());
                return new ServerCall.Listener<>() {};
            }
            IncomingSnapshot incoming =
                    new IncomingSnapshot(
                            call, from, localId, snapshotDir, listener, peer, receives::release);
            call.request(1);
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(SnapshotChunk chunk) {
                    onDisk(() -> incoming.onChunk(chunk));
                }

                @Override
                public void onHalfClose() {
                    onDisk(incoming::onHalfClose);
                }

                @Override
                public void onCancel() {
                    onDisk(incoming::onCancel);
                }
            };
        };
    }

    private void onDisk(Runnable task) {
        try {
            disk.execute(task);
        } catch (RejectedExecutionException e) {
            // Only while stopping: the call is cancelled, and the next start removes the file.
            LOG.log(Level.DEBUG, "snapshot receive task refused while stopping");
        }
    }

    /**
     * Lets the disk thread finish what it holds (cancelled calls delete their files), then ends it.
     */
    @Override
    public void close() throws InterruptedException {
        disk.shutdown();
        disk.awaitTermination(PeerTransport.STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
}
