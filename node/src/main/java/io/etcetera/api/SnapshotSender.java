package io.etcetera.api;

import io.etcd.jetcd.api.SnapshotResponse;
import io.etcetera.server.SnapshotStream;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends one snapshot stream to one client with gRPC flow control: a chunk is read (on the member's
 * maintenance thread) only when the call is ready for more and no read is in flight, so a slow
 * client holds no more than one chunk in memory and blocks no thread.
 *
 * <p>Thread-safe: the I/O thread (ready, cancel) and the maintenance thread (chunks read) call in;
 * the in-flight flag lets exactly one of them ask for the next chunk, so messages are sent one at a
 * time and in order.
 */
final class SnapshotSender {

    private final ServerCallStreamObserver<SnapshotResponse> call;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile SnapshotStream stream;
    private volatile boolean finished;

    SnapshotSender(ServerCallStreamObserver<SnapshotResponse> call) {
        this.call = call;
    }

    /** The checkpoint is ready (or failed): start sending. */
    void start(SnapshotStream opened, Throwable failure) {
        if (failure != null) {
            finished = true;
            call.onError(ServerErrors.toStatus(failure));
            return;
        }
        stream = opened;
        if (finished) {
            opened.close(); // cancelled while the checkpoint was taken
            return;
        }
        pull();
    }

    /** Asks for the next chunk if the client is ready and none is being read. */
    void pull() {
        SnapshotStream current = stream;
        if (current == null || finished || !call.isReady()
                || !reading.compareAndSet(false, true)) {
            return;
        }
        current.next().whenComplete((chunk, failure) -> {
            if (failure != null) {
                finish(current);
                call.onError(ServerErrors.toStatus(failure));
            } else if (chunk == null) {
                finish(current);
                call.onCompleted();
            } else if (finished) {
                current.close(); // cancelled while this chunk was read
            } else {
                call.onNext(SnapshotResponse.newBuilder().setBlob(chunk.blob())
                        .setRemainingBytes(chunk.remainingBytes()).build());
                reading.set(false);
                pull();
            }
        });
    }

    /** The client went away: release the checkpoint. */
    void cancel() {
        finished = true;
        SnapshotStream current = stream;
        if (current != null && !reading.get()) {
            current.close();
        }
    }

    private void finish(SnapshotStream current) {
        finished = true;
        current.close();
    }
}
