package io.etcetera.api;

import io.etcetera.server.RequestFailedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns the server's typed failures into etcd's gRPC errors: each {@link
 * RequestFailedException.Reason} is one {@link EtcdError}. Anything else (a bug, a broken store)
 * becomes {@code UNKNOWN} with its message, as etcd's {@code togRPCError} does for errors it does
 * not know. Stateless.
 */
final class ServerErrors {

    private ServerErrors() {}

    /** The exception to hand to {@code onError} for {@code failure}. */
    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RequestFailedException refused) {
            return toEtcdError(refused.reason()).exception();
        }
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        return Status.UNKNOWN.withDescription(String.valueOf(cause.getMessage()))
                .withCause(cause).asRuntimeException();
    }

    static EtcdError toEtcdError(RequestFailedException.Reason reason) {
        return switch (reason) {
            case EMPTY_KEY -> EtcdError.EMPTY_KEY;
            case KEY_NOT_FOUND -> EtcdError.KEY_NOT_FOUND;
            case VALUE_PROVIDED -> EtcdError.VALUE_PROVIDED;
            case LEASE_PROVIDED -> EtcdError.LEASE_PROVIDED;
            case TOO_MANY_OPS -> EtcdError.TOO_MANY_OPS;
            case DUPLICATE_KEY -> EtcdError.DUPLICATE_KEY;
            case COMPACTED -> EtcdError.COMPACTED;
            case FUTURE_REVISION -> EtcdError.FUTURE_REV;
            case NO_SPACE -> EtcdError.NO_SPACE;
            case LEASE_NOT_FOUND -> EtcdError.LEASE_NOT_FOUND;
            case REQUEST_TOO_LARGE -> EtcdError.REQUEST_TOO_LARGE;
            case TOO_MANY_REQUESTS -> EtcdError.TOO_MANY_REQUESTS;
            case NO_LEADER -> EtcdError.NO_LEADER;
            case NOT_LEADER -> EtcdError.NOT_LEADER;
            case LEADER_CHANGED -> EtcdError.LEADER_CHANGED;
            case STOPPED -> EtcdError.STOPPED;
            case TIMEOUT -> EtcdError.TIMEOUT;
            case TIMEOUT_DUE_TO_LEADER_FAIL -> EtcdError.TIMEOUT_DUE_TO_LEADER_FAIL;
            case BAD_LEADER_TRANSFEREE -> EtcdError.BAD_LEADER_TRANSFEREE;
            case MEMBER_EXIST -> EtcdError.MEMBER_EXIST;
            case PEER_URL_EXIST -> EtcdError.PEER_URL_EXIST;
            case MEMBER_NOT_ENOUGH_STARTED -> EtcdError.MEMBER_NOT_ENOUGH_STARTED;
            case MEMBER_BAD_URLS -> EtcdError.MEMBER_BAD_URLS;
            case MEMBER_NOT_FOUND -> EtcdError.MEMBER_NOT_FOUND;
            case MEMBER_NOT_LEARNER -> EtcdError.MEMBER_NOT_LEARNER;
            case LEARNER_NOT_READY -> EtcdError.LEARNER_NOT_READY;
            case TOO_MANY_LEARNERS -> EtcdError.TOO_MANY_LEARNERS;
            case UNHEALTHY -> EtcdError.UNHEALTHY;
            case PROPOSAL_DROPPED -> EtcdError.PROPOSAL_DROPPED;
        };
    }
}
