package io.etcetera.server;

import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;

/**
 * The answer of one unary call this member makes to a peer, as a future: it completes with the
 * reply, or fails with the call's status exception as is (the caller maps it, see {@link
 * PeerFailures}). {@code whenDone} runs first, either way (e.g. to close a one-call channel).
 *
 * <p>gRPC calls it on one of its threads, once per call.
 *
 * @param <T> the reply
 */
final class ReplyFuture<T> extends CompletableFuture<T> implements StreamObserver<T> {

    private final Runnable whenDone;
    private T reply;

    ReplyFuture(Runnable whenDone) {
        this.whenDone = whenDone;
    }

    @Override
    public void onNext(T value) {
        reply = value;
    }

    @Override
    public void onError(Throwable failure) {
        whenDone.run();
        completeExceptionally(failure);
    }

    @Override
    public void onCompleted() {
        whenDone.run();
        complete(reply);
    }
}
