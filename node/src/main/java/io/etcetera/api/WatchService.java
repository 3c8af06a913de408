package io.etcetera.api;

import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.server.WatchSession;
import io.etcetera.server.Watches;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * etcd's Watch service ({@code v3rpc/watch.go}): one bidi call per client stream, each a {@link
 * WatchSession}. Create, cancel and progress requests go to the session in arrival order; its
 * responses are written while the transport is ready, so a client that stops reading holds at most
 * the session's bounded queue (its watchers become victims, and catch up once it reads again).
 * Requests are read one at a time (manual flow control), and only while the session accepts them.
 * A half-close by the client leaves the stream open, as in etcd; cancellation closes the session.
 *
 * <p>Threads: every method of a call runs on the I/O thread the call came in on, and so does each
 * drain, which the session's pending callback hands to that thread. Stateless across calls.
 */
final class WatchService implements WatchGrpc.AsyncService {

    /** Responses written per drain step before checking the transport again. */
    static final int DRAIN_BATCH_MAX = 64;

    private final Watches watches;

    WatchService(Watches watches) {
        this.watches = watches;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        ServerCallStreamObserver<WatchResponse> call =
                (ServerCallStreamObserver<WatchResponse>) responses;
        return new Call(call, watches, Replies.callExecutor());
    }

    /** One Watch call: its session and the writes to its client. Confined to the call's thread. */
    private static final class Call implements StreamObserver<WatchRequest> {

        private final ServerCallStreamObserver<WatchResponse> responses;
        private final Executor callThread;
        private final WatchSession session;
        /** Whether a request was asked of the transport and has not arrived. */
        private boolean requested;
        private boolean closed;

        Call(ServerCallStreamObserver<WatchResponse> responses, Watches watches,
                Executor callThread) {
            this.responses = responses;
            this.callThread = callThread;
            this.session = watches.open(this::scheduleDrain);
            responses.disableAutoRequest();
            responses.setOnReadyHandler(this::drain);
            responses.setOnCancelHandler(this::close);
            requestNext();
        }

        @Override
        public void onNext(WatchRequest request) {
            requested = false;
            switch (request.getRequestUnionCase()) {
                case CREATE_REQUEST -> session.create(request.getCreateRequest());
                case CANCEL_REQUEST -> session.cancel(request.getCancelRequest().getWatchId());
                case PROGRESS_REQUEST -> session.requestProgress();
                case REQUESTUNION_NOT_SET -> { } // etcd ignores a request of no known kind
            }
            requestNext();
        }

        @Override
        public void onError(Throwable cause) {
            close();
        }

        @Override
        public void onCompleted() {
            // etcd keeps serving a stream whose client closed its sending side.
        }

        /** Asks for the next request when none is pending and the session has room for it. */
        private void requestNext() {
            if (!closed && !requested && session.acceptsRequests()) {
                requested = true;
                responses.request(1);
            }
        }

        /**
         * The session's pending callback, on the thread that queued (the apply thread, watch-sync
         * or this call's): hands a drain to the call's thread. An I/O thread that no longer takes
         * tasks belongs to a port being closed, whose calls are ending: nothing is left to send.
         */
        private void scheduleDrain() {
            try {
                callThread.execute(this::drain);
            } catch (RejectedExecutionException portClosing) {
                // The call ends with the port; its cancel handler closes the session.
            }
        }

        /** Writes queued responses while the transport takes them. */
        private void drain() {
            if (closed) {
                return;
            }
            while (responses.isReady()) {
                if (session.drain(DRAIN_BATCH_MAX, responses::onNext) < DRAIN_BATCH_MAX) {
                    break;
                }
            }
            // Draining made room for control responses: read the request that waited for it.
            requestNext();
        }

        private void close() {
            if (!closed) {
                closed = true;
                session.close();
            }
        }
    }
}
