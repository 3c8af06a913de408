package io.etcetera.bench.load;

import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcetera.bench.report.LatencyRecorder;
import io.grpc.stub.StreamObserver;

/**
 * One client's LeaseKeepAlive stream: each {@link #keepAlive} sends one keepalive for the client's
 * lease and completes when its response arrives. The stream stays open between requests, as
 * etcd's clientv3 keeps one open (etcd's benchmark opens a stream per request with
 * KeepAliveOnce, which also measures stream set-up); a stream that breaks is reopened by the next
 * request.
 *
 * <p>Used by one client of a {@link ClosedLoop}, so at most one keepalive is pending; fields are
 * volatile because the request and its response run on different threads.
 */
public final class KeepAliveStream implements StreamObserver<LeaseKeepAliveResponse> {
    private final LeaseGrpc.LeaseStub stub;
    private final long leaseId;
    private final LeaseKeepAliveRequest request;
    private final LatencyRecorder recorder;
    /** Null until the first keepalive and after the stream broke. */
    private volatile StreamObserver<LeaseKeepAliveRequest> requests;
    private volatile RequestCompletion pending;

    /** A stream that keeps {@code leaseId} alive, recording into {@code recorder}. */
    public KeepAliveStream(LeaseGrpc.LeaseStub stub, long leaseId, LatencyRecorder recorder) {
        this.stub = stub;
        this.leaseId = leaseId;
        this.request = LeaseKeepAliveRequest.newBuilder().setID(leaseId).build();
        this.recorder = recorder;
    }

    /** Sends one keepalive; {@code completion} ends when its response (or an error) arrives. */
    public void keepAlive(RequestCompletion completion) {
        pending = completion;
        StreamObserver<LeaseKeepAliveRequest> stream = requests;
        if (stream == null) {
            stream = stub.leaseKeepAlive(this);
            requests = stream;
        }
        stream.onNext(request);
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
        RequestCompletion completion = takePending();
        if (completion == null) {
            return;
        }
        if (response.getTTL() <= 0) {
            completion.failed(recorder, new IllegalStateException(
                    "lease " + leaseId + " not found or expired (TTL " + response.getTTL() + ")"));
        } else {
            completion.succeeded(recorder);
        }
    }

    @Override
    public void onError(Throwable error) {
        requests = null;
        RequestCompletion completion = takePending();
        if (completion != null) {
            completion.failed(recorder, error);
        }
    }

    @Override
    public void onCompleted() {
        onError(new IllegalStateException("keepalive stream closed by the server"));
    }

    /** Ends the stream from the client side; call when no keepalive is pending. */
    public void close() {
        StreamObserver<LeaseKeepAliveRequest> stream = requests;
        requests = null;
        if (stream != null) {
            stream.onCompleted();
        }
    }

    private RequestCompletion takePending() {
        RequestCompletion completion = pending;
        pending = null;
        return completion;
    }
}
