package io.etcetera.transport;

import com.google.protobuf.ByteString;

import io.etcetera.config.EtcdUrl;
import io.etcetera.transport.pb.PeerGrpc;
import io.etcetera.transport.pb.SnapshotChunk;
import io.etcetera.transport.pb.SnapshotHeader;
import io.etcetera.transport.pb.SnapshotReceived;
import io.etcetera.transport.pb.SnapshotTrailer;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Sends one snapshot to a peer (etcd's {@code snapshotSender}) on its own short-lived connection,
 * so a large transfer never delays the peer's Raft message lanes: the MsgSnap in a header, the
 * state machine's data in chunks read only when the stream takes more (HTTP/2 flow control, so
 * memory stays at one chunk whatever the size), then the data's SHA-256. The outcome, known once
 * the receiver has verified, stored and handed over the snapshot, goes to {@link
 * TransportListener#onSnapshotStatus}; a failure also reports the peer unreachable, as etcd does. A
 * transfer that makes no progress for {@code snapshotStallMillisMax} is abandoned.
 *
 * <p>Runs once, on an {@code etcetera-peer-snapshot-send} thread, which blocks on the data stream
 * and waits (parked) for the peer; gRPC callbacks only record the call's end and unpark it.
 */
final class SnapshotSender implements Runnable {

    private static final System.Logger LOG = System.getLogger(SnapshotSender.class.getName());

    private final Peer peer;
    private final OutgoingSnapshot snapshot;
    private final PeerChannels channels;
    private final PeerLimits limits;
    private final TransportListener listener;
    private final LongConsumer memberRemoved;
    private final InstantSource clock;

    /** How the call ended; null while it runs. Written by a gRPC I/O thread. */
    private volatile Status closed;

    /** The thread that runs the transfer, to wake when the call is ready or closed. */
    private volatile Thread sending;

    SnapshotSender(
            Peer peer,
            OutgoingSnapshot snapshot,
            PeerChannels channels,
            PeerLimits limits,
            TransportListener listener,
            LongConsumer memberRemoved,
            InstantSource clock) {
        this.peer = peer;
        this.snapshot = snapshot;
        this.channels = channels;
        this.limits = limits;
        this.listener = listener;
        this.memberRemoved = memberRemoved;
        this.clock = clock;
    }

    @Override
    public void run() {
        sending = Thread.currentThread();
        Status outcome;
        try (InputStream data = snapshot.data()) {
            outcome = transfer(data);
        } catch (IOException e) {
            outcome = Status.UNAVAILABLE.withDescription("snapshot data: " + e.getMessage());
        } finally {
            peer.endSnapshot();
        }
        report(outcome);
    }

    private Status transfer(InputStream data) throws IOException {
        EtcdUrl url = peer.currentUrl();
        ManagedChannel channel;
        try {
            channel = channels.open(url);
        } catch (IOException e) {
            return Status.UNAVAILABLE.withDescription("dial " + url + ": " + e.getMessage());
        }
        try {
            ClientCall<SnapshotChunk, SnapshotReceived> call =
                    channel.newCall(PeerGrpc.getSnapshotMethod(), CallOptions.DEFAULT);
            call.start(new Signals(), channels.headers(peer.id));
            call.request(1);
            call.sendMessage(header());
            MessageDigest sha256 = sha256();
            Optional<Status> stop = sendData(call, data, sha256);
            if (stop.isEmpty()) {
                stop = awaitReady(call);
            }
            if (stop.isPresent()) {
                return stop.get();
            }
            ByteString digest = ByteString.copyFrom(sha256.digest());
            call.sendMessage(
                    SnapshotChunk.newBuilder()
                            .setTrailer(SnapshotTrailer.newBuilder().setSha256(digest))
                            .build());
            call.halfClose();
            return awaitClose(call);
        } finally {
            channel.shutdownNow();
            awaitTermination(channel);
        }
    }

    /**
     * Streams the data in chunks, each read only once the stream takes more; empty when all of it
     * went out, else how the transfer ended.
     */
    private Optional<Status> sendData(
            ClientCall<SnapshotChunk, SnapshotReceived> call,
            InputStream data,
            MessageDigest sha256)
            throws IOException {
        byte[] buffer = new byte[limits.snapshotChunkBytes()];
        long sentBytes = 0;
        int read;
        while ((read = data.readNBytes(buffer, 0, buffer.length)) > 0) {
            sentBytes += read;
            if (sentBytes > snapshot.dataBytes()) {
                String why = "longer than its declared " + snapshot.dataBytes() + " bytes";
                return Optional.of(abandon(call, "snapshot data is " + why));
            }
            sha256.update(buffer, 0, read);
            Optional<Status> stop = awaitReady(call);
            if (stop.isPresent()) {
                return stop;
            }
            ByteString chunk = ByteString.copyFrom(buffer, 0, read);
            call.sendMessage(SnapshotChunk.newBuilder().setData(chunk).build());
            peer.counters.sentBytes.add(read);
        }
        if (sentBytes != snapshot.dataBytes()) {
            String why = sentBytes + " bytes, " + snapshot.dataBytes() + " declared";
            return Optional.of(abandon(call, "snapshot data is " + why));
        }
        return Optional.empty();
    }

    private static void awaitTermination(ManagedChannel channel) {
        try {
            channel.awaitTermination(PeerTransport.STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SnapshotChunk header() {
        SnapshotChunk header =
                SnapshotChunk.newBuilder()
                        .setHeader(
                                SnapshotHeader.newBuilder()
                                        .setMessage(snapshot.message())
                                        .setDataBytes(snapshot.dataBytes()))
                        .build();
        peer.counters.sentBytes.add(header.getSerializedSize());
        return header;
    }

    /**
     * Waits until the stream takes more data; empty when it does, else how the transfer ended
     * (closed by the peer, stalled, or the peer was removed).
     */
    private Optional<Status> awaitReady(ClientCall<SnapshotChunk, SnapshotReceived> call) {
        Instant deadline = clock.instant().plusMillis(limits.snapshotStallMillisMax());
        while (closed == null && !call.isReady()) {
            if (peer.isStopped() || Thread.currentThread().isInterrupted()) {
                return Optional.of(abandon(call, "peer removed or member stopping"));
            }
            long waitNanos = nanosUntil(deadline);
            if (waitNanos <= 0) {
                return Optional.of(
                        abandon(
                                call,
                                "no progress for " + limits.snapshotStallMillisMax() + " ms"));
            }
            LockSupport.parkNanos(this, waitNanos);
        }
        return Optional.ofNullable(closed);
    }

    private Status awaitClose(ClientCall<SnapshotChunk, SnapshotReceived> call) {
        Instant deadline = clock.instant().plusMillis(limits.snapshotStallMillisMax());
        while (closed == null) {
            long waitNanos = nanosUntil(deadline);
            if (waitNanos <= 0 || Thread.currentThread().isInterrupted()) {
                return abandon(
                        call,
                        "no answer for "
                                + limits.snapshotStallMillisMax()
                                + " ms after the last chunk");
            }
            LockSupport.parkNanos(this, waitNanos);
        }
        return closed;
    }

    private long nanosUntil(Instant deadline) {
        Instant now = clock.instant();
        return now.isBefore(deadline) ? Duration.between(now, deadline).toNanos() : 0;
    }

    private static Status abandon(ClientCall<?, ?> call, String why) {
        call.cancel(why, null);
        return Status.CANCELLED.withDescription(why);
    }

    private void report(Status outcome) {
        long to = peer.id;
        long index = snapshot.message().getSnapshot().getMetadata().getIndex();
        if (outcome.isOk()) {
            peer.counters.snapshotsSent.increment();
            LOG.log(
                    Level.INFO,
                    "sent database snapshot "
                            + index
                            + " of "
                            + snapshot.dataBytes()
                            + " bytes to "
                            + PeerHeaders.id(to));
            listener.onSnapshotStatus(to, SnapshotStatus.FINISH);
            return;
        }
        String reason = outcome.getCode() + ": " + outcome.getDescription();
        peer.counters.snapshotSendFailures.increment();
        peer.counters.lastFailure = "snapshot: " + reason;
        LOG.log(
                Level.WARNING,
                "failed to send database snapshot "
                        + index
                        + " to "
                        + PeerHeaders.id(to)
                        + ": "
                        + reason);
        if (PeerRefusal.of(outcome).orElse(null) == PeerRefusal.REMOVED_MEMBER) {
            memberRemoved.accept(to);
        }
        listener.onUnreachable(to);
        listener.onSnapshotStatus(to, SnapshotStatus.FAILURE);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Wakes the sending thread; runs on gRPC I/O threads. */
    private final class Signals extends ClientCall.Listener<SnapshotReceived> {
        @Override
        public void onReady() {
            LockSupport.unpark(sending);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            closed = status;
            LockSupport.unpark(sending);
        }
    }
}
