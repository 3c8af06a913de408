package io.etcetera.server;

import io.etcetera.server.RequestFailedException.Reason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * How a server failure crosses the peer port in the server's own calls between members ({@code
 * ClusterPeer}, {@code LeasePeer}): the called member answers a {@code FAILED_PRECONDITION}
 * status whose description is the name of its {@link Reason}; the caller turns it back into the
 * same {@link RequestFailedException}. A call that broke (no answer, an unknown reason) is a
 * timeout, as etcd reports a forwarded request it got no answer to. {@link #answer} replies to
 * such a call.
 *
 * <p>Stateless.
 */
final class PeerFailures {

    private PeerFailures() {}

    /** Answers a call with {@code reply}'s value, or with its failure's status. */
    static <T> void answer(CompletableFuture<T> reply, StreamObserver<T> observer) {
        reply.whenComplete((value, failure) -> {
            if (failure != null) {
                observer.onError(toStatus(failure));
                return;
            }
            observer.onNext(value);
            observer.onCompleted();
        });
    }

    /** The status a called member answers for {@code failure}; unknown failures time out. */
    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        String reason = cause instanceof RequestFailedException refused
                ? refused.reason().name() : Reason.TIMEOUT.name();
        return Status.FAILED_PRECONDITION.withDescription(reason).asRuntimeException();
    }

    /** The called member's refusal as this member's failure; a broken call as a timeout. */
    static RequestFailedException fromStatus(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        if (status.getCode() == Status.Code.FAILED_PRECONDITION) {
            try {
                return RequestFailedException.of(Reason.valueOf(status.getDescription()));
            } catch (IllegalArgumentException | NullPointerException unknown) {
                return RequestFailedException.of(Reason.TIMEOUT);
            }
        }
        return RequestFailedException.of(Reason.TIMEOUT);
    }

    /** Whether the call never reached the member: it is down, or its port is closed. */
    static boolean isUnreachable(Throwable failure) {
        return Status.fromThrowable(failure).getCode() == Status.Code.UNAVAILABLE;
    }

    /** The failure inside a {@link CompletionException}, as futures composed on others wrap it. */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }
}
