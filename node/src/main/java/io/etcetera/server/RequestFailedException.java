package io.etcetera.server;

import io.etcetera.mvcc.CompactedException;
import io.etcetera.mvcc.DuplicateKeyException;
import io.etcetera.mvcc.FutureRevisionException;
import io.etcetera.mvcc.InvalidRequestException;
import io.etcetera.mvcc.KeyNotFoundException;
import io.etcetera.mvcc.LeaseNotFoundException;
import io.etcetera.mvcc.MvccException;

import java.util.EnumMap;
import java.util.Map;

/**
 * A client request the member could not serve, and why: the server's typed failure, which the api
 * turns into etcd's gRPC code and message (one reason per etcd error the server produces). The
 * store's refusals (compacted revision, duplicate key, ...) arrive here too, so the api needs no
 * knowledge of the store.
 *
 * <p>Immutable and stackless: {@link #of} hands out one shared instance per reason, so refusing a
 * request under load allocates nothing.
 */
public final class RequestFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request failed; each maps to one etcd error. */
    public enum Reason {
        EMPTY_KEY,
        KEY_NOT_FOUND,
        VALUE_PROVIDED,
        LEASE_PROVIDED,
        TOO_MANY_OPS,
        DUPLICATE_KEY,
        COMPACTED,
        FUTURE_REVISION,
        NO_SPACE,
        LEASE_NOT_FOUND,
        REQUEST_TOO_LARGE,
        TOO_MANY_REQUESTS,
        NO_LEADER,
        NOT_LEADER,
        LEADER_CHANGED,
        STOPPED,
        TIMEOUT,
        TIMEOUT_DUE_TO_LEADER_FAIL,
        BAD_LEADER_TRANSFEREE,
        MEMBER_EXIST,
        PEER_URL_EXIST,
        MEMBER_NOT_ENOUGH_STARTED,
        MEMBER_BAD_URLS,
        MEMBER_NOT_FOUND,
        MEMBER_NOT_LEARNER,
        LEARNER_NOT_READY,
        TOO_MANY_LEARNERS,
        UNHEALTHY,
        /** Raft refused the proposal (a leader transfer, a full uncommitted tail). */
        PROPOSAL_DROPPED
    }

    private static final Map<Reason, RequestFailedException> SHARED = new EnumMap<>(Reason.class);

    static {
        for (Reason reason : Reason.values()) {
            SHARED.put(reason, new RequestFailedException(reason));
        }
    }

    private final Reason reason;

    private RequestFailedException(Reason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    /** The shared exception for {@code reason}. */
    public static RequestFailedException of(Reason reason) {
        return SHARED.get(reason);
    }

    /** The failure for a request the store refused, by etcd's error for it. */
    static RequestFailedException of(MvccException refused) {
        Reason reason;
        if (refused instanceof CompactedException) {
            reason = Reason.COMPACTED;
        } else if (refused instanceof FutureRevisionException) {
            reason = Reason.FUTURE_REVISION;
        } else if (refused instanceof KeyNotFoundException) {
            reason = Reason.KEY_NOT_FOUND;
        } else if (refused instanceof LeaseNotFoundException) {
            reason = Reason.LEASE_NOT_FOUND;
        } else if (refused instanceof DuplicateKeyException) {
            reason = Reason.DUPLICATE_KEY;
        } else {
            reason = switch (((InvalidRequestException) refused).reason()) {
                case EMPTY_KEY -> Reason.EMPTY_KEY;
                case VALUE_PROVIDED -> Reason.VALUE_PROVIDED;
                case LEASE_PROVIDED -> Reason.LEASE_PROVIDED;
                case TOO_MANY_OPS -> Reason.TOO_MANY_OPS;
            };
        }
        return of(reason);
    }

    public Reason reason() {
        return reason;
    }
}
