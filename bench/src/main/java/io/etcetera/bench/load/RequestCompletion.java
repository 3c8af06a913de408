package io.etcetera.bench.load;

import io.etcetera.bench.report.LatencyRecorder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The end of one request of a {@link ClosedLoop}: records its latency (from the moment the loop
 * started it) or its error into a recorder, then lets the client send its next request.
 *
 * <p>Exactly one of {@link #succeeded} and {@link #failed} may be called, once, from any thread;
 * a second call is a programming error and throws.
 */
public final class RequestCompletion {
    private final ClosedLoop.Client client;
    private final long startNanos;
    private boolean done;

    RequestCompletion(ClosedLoop.Client client, long startNanos) {
        this.client = client;
        this.startNanos = startNanos;
    }

    /** When the request was started, from {@link System#nanoTime}. */
    public long startNanos() {
        return startNanos;
    }

    /** The request succeeded now; its latency goes into {@code recorder}. */
    public void succeeded(LatencyRecorder recorder) {
        long endNanos = System.nanoTime();
        markDone();
        recorder.recordLatency(endNanos, endNanos - startNanos);
        client.onCompleted();
    }

    /** The request failed now with {@code error}, counted in {@code recorder} by its message. */
    public void failed(LatencyRecorder recorder, Throwable error) {
        long endNanos = System.nanoTime();
        markDone();
        recorder.recordError(endNanos, describe(error));
        client.onCompleted();
    }

    /**
     * An observer for a unary call: success when the call completes, failure on error. The
     * response itself is not looked at.
     */
    public <T> StreamObserver<T> unaryObserver(LatencyRecorder recorder) {
        return unaryObserver(recorder, () -> { });
    }

    /** As {@link #unaryObserver(LatencyRecorder)}, running {@code beforeSuccess} first. */
    public <T> StreamObserver<T> unaryObserver(LatencyRecorder recorder, Runnable beforeSuccess) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T response) {
                // NB: a unary response is followed by onCompleted, which ends the request.
            }

            @Override
            public void onError(Throwable error) {
                failed(recorder, error);
            }

            @Override
            public void onCompleted() {
                beforeSuccess.run();
                succeeded(recorder);
            }
        };
    }

    /** An error as Go's gRPC prints it, which is how etcd's report groups errors. */
    public static String describe(Throwable error) {
        Status status = Status.fromThrowable(error);
        if (status.getCode() == Status.Code.UNKNOWN && status.getDescription() == null) {
            return String.valueOf(error);
        }
        return "rpc error: code = " + status.getCode() + " desc = " + status.getDescription();
    }

    private synchronized void markDone() {
        if (done) {
            throw new IllegalStateException("request completed twice");
        }
        done = true;
    }
}
