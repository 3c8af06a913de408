package io.etcetera.api;

import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.util.function.BooleanSupplier;

/**
 * What a learner serves (etcd 3.4's {@code isRPCSupportedForLearner}): Status and serializable
 * Range; every other call, streams included, is refused with {@code etcdserver: rpc not supported
 * for learner}, as etcd's interceptors refuse them. A unary call is judged by its request, so the
 * decision waits for the request message; nothing is passed on to the service before it.
 *
 * <p>Runs on the client port's I/O threads; never blocks. Immutable.
 */
final class LearnerGate implements ServerInterceptor {

    /** Whether this member is a learner now (as it has applied the membership). */
    private final BooleanSupplier isLearner;

    LearnerGate(BooleanSupplier isLearner) {
        this.isLearner = isLearner;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        if (!isLearner.getAsBoolean()) {
            return next.startCall(call, headers);
        }
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
            refuse(call);
            return new ServerCall.Listener<>() { };
        }
        return new UnaryGate<>(call, headers, next);
    }

    private static void refuse(ServerCall<?, ?> call) {
        call.close(EtcdError.NOT_SUPPORTED_FOR_LEARNER.status(), new Metadata());
    }

    /** etcd's list: Status, and Range when serializable. */
    static boolean servedByLearner(Object request) {
        return request instanceof StatusRequest
                || (request instanceof RangeRequest range && range.getSerializable());
    }

    /**
     * Holds a unary call until its request arrives, then starts the service's handling or
     * refuses the call. Events before the request (none, for unary calls) are dropped.
     */
    private static final class UnaryGate<Q, A>
            extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

        private final ServerCall<Q, A> call;
        private boolean refused;

        UnaryGate(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            super(next.startCall(call, headers));
            this.call = call;
        }

        @Override
        public void onMessage(Q request) {
            if (!servedByLearner(request)) {
                refused = true;
                refuse(call);
                return;
            }
            super.onMessage(request);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                super.onHalfClose();
            }
        }
    }
}
