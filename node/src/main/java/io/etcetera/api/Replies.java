package io.etcetera.api;

import io.grpc.stub.StreamObserver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * How a service answers without blocking: it hands the server's future to {@link #send}, which
 * answers the call on whichever thread completes it. Stateless.
 */
final class Replies {

    private static final Executor ON_COMPLETING_THREAD = Runnable::run;

    private Replies() {}

    /**
     * Answers {@code observer} with {@code result}'s value, or with etcd's error for it. A result
     * not ready yet is answered on the I/O thread the call came in on: the thread that completes
     * it (the apply thread, for writes) only hands the answer over, and serializing and writing
     * responses never slows the member's serial threads.
     */
    static <T> void send(CompletableFuture<T> result, StreamObserver<T> observer) {
        if (result.isDone()) {
            answer(result, observer);
        } else {
            result.whenCompleteAsync((response, failure) -> answer(result, observer),
                    callExecutor());
        }
    }

    private static <T> void answer(CompletableFuture<T> result, StreamObserver<T> observer) {
        T response;
        try {
            response = result.join();
        } catch (RuntimeException failure) {
            observer.onError(ServerErrors.toStatus(failure));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    /**
     * Where a read that had to wait (for its read index) runs: the I/O thread the call came in on,
     * so the raft loop and the apply thread, which complete the wait, never run client reads.
     * Outside an I/O thread, the thread that completes the wait.
     */
    static Executor callExecutor() {
        EventExecutor ioThread = ThreadExecutorMap.currentExecutor();
        return ioThread != null ? ioThread : ON_COMPLETING_THREAD;
    }
}
