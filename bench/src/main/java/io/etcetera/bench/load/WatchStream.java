package io.etcetera.bench.load;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.bench.report.LatencyRecorder;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One Watch gRPC stream carrying several watchers, and the latency of each event it delivers.
 *
 * <p>Watchers are created one after another, each create request sent when the previous one's
 * "created" response arrives, as etcd's clientv3 does on one stream; the time from a create
 * request to its response is the creation latency. Event latency is the time from when the put
 * that caused the event was started to when the event arrives: the writer puts its
 * {@link System#nanoTime} in the value's first {@link #SEND_NANOS_BYTES} bytes, which is exact
 * because writer and watcher share this process. (etcd's watch-latency measures from the put's
 * response instead, which hides the write's own commit time and is often negative.)
 *
 * <p>Thread: the first create is sent from the caller's thread, everything after on the stream's
 * Netty thread, one message at a time.
 */
public final class WatchStream implements StreamObserver<WatchResponse> {
    /** Bytes of a value that carry its put's start time, big-endian. */
    public static final int SEND_NANOS_BYTES = Long.BYTES;

    private final WatchGrpc.WatchStub stub;
    private final List<ByteString> watchedKeys;
    private final boolean prevKv;
    private final LatencyRecorder creations;
    private final LatencyRecorder events;
    private final EventTally tally;
    private final CountDownLatch uncreated;
    private StreamObserver<WatchRequest> requests;
    /** Set by close(): what the stream does after that is not the server's doing. */
    private volatile boolean closed;
    /** Watchers created so far; touched only by the thread handling this stream's messages. */
    private int createdCount;
    private long createSentNanos;

    /**
     * A stream that will create one watcher per key of {@code watchedKeys}, counting each
     * creation (or failure) down on {@code uncreated}.
     */
    public WatchStream(WatchGrpc.WatchStub stub, List<ByteString> watchedKeys, boolean prevKv,
            LatencyRecorder creations, LatencyRecorder events, EventTally tally,
            CountDownLatch uncreated) {
        this.stub = stub;
        this.watchedKeys = List.copyOf(watchedKeys);
        this.prevKv = prevKv;
        this.creations = creations;
        this.events = events;
        this.tally = tally;
        this.uncreated = uncreated;
    }

    /** The value a writer sends so that events of it carry {@code sendNanos}. */
    public static ByteString valueSentAt(long sendNanos, int valueBytes) {
        ByteBuffer value = ByteBuffer.allocate(Math.max(SEND_NANOS_BYTES, valueBytes));
        value.putLong(0, sendNanos);
        return ByteString.copyFrom(value.array());
    }

    /** Opens the stream and starts creating its watchers. */
    public void open() {
        requests = stub.watch(this);
        if (!watchedKeys.isEmpty()) {
            sendCreate();
        }
    }

    private void sendCreate() {
        WatchCreateRequest create = WatchCreateRequest.newBuilder()
                .setKey(watchedKeys.get(createdCount))
                .setPrevKv(prevKv)
                .build();
        createSentNanos = System.nanoTime();
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
    }

    @Override
    public void onNext(WatchResponse response) {
        long nowNanos = System.nanoTime();
        if (response.getCreated()) {
            creations.recordLatency(nowNanos, nowNanos - createSentNanos);
            createdCount++;
            uncreated.countDown();
            if (createdCount < watchedKeys.size()) {
                sendCreate();
            }
        }
        if (response.getCanceled()) {
            events.recordError(nowNanos, "watch canceled: " + response.getCancelReason());
        }
        for (Event event : response.getEventsList()) {
            ByteString value = event.getKv().getValue();
            if (value.size() < SEND_NANOS_BYTES) {
                events.recordError(nowNanos, "event value carries no send time");
            } else {
                events.recordLatency(nowNanos, nowNanos - value.asReadOnlyByteBuffer().getLong(0));
            }
            tally.add();
        }
    }

    @Override
    public void onError(Throwable error) {
        if (closed) {
            return;
        }
        long nowNanos = System.nanoTime();
        for (int i = createdCount; i < watchedKeys.size(); i++) {
            creations.recordError(nowNanos, RequestCompletion.describe(error));
            uncreated.countDown();
        }
        createdCount = watchedKeys.size();
        events.recordError(nowNanos, RequestCompletion.describe(error));
    }

    @Override
    public void onCompleted() {
        onError(new IllegalStateException("watch stream closed by the server"));
    }

    /** Ends the stream from the client side. */
    public void close() {
        closed = true;
        requests.onCompleted();
    }
}
