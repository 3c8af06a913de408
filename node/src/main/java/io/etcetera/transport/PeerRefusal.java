package io.etcetera.transport;

import io.grpc.Status;

import java.util.Optional;

/**
 * Why a member refuses a peer's call before reading any message from it, in etcd's words (the
 * bodies of rafthttp's 412 and 410 answers), so logs read as etcd's do. Sent as {@code
 * FAILED_PRECONDITION} with the words as description; the caller maps them back with {@link
 * #of(Status)}. Immutable.
 */
enum PeerRefusal {
    /** The caller belongs to another cluster (etcd: {@code ErrClusterIDMismatch}). */
    CLUSTER_ID_MISMATCH("cluster ID mismatch"),
    /** The caller was removed from the cluster; it must stop (etcd answers 410 Gone). */
    REMOVED_MEMBER("removed member"),
    /** The call was meant for another member than the one at this URL. */
    TO_MISMATCH("to field mismatch"),
    /** The call does not say, in etcd's ID form, which member sends it. */
    INVALID_FROM("invalid from");

    private final String words;

    PeerRefusal(String words) {
        this.words = words;
    }

    /** etcd's words for this refusal. */
    String words() {
        return words;
    }

    /** The status that carries this refusal to the caller. */
    Status status() {
        return Status.FAILED_PRECONDITION.withDescription(words);
    }

    /** The refusal a call was closed with, if it was one. */
    static Optional<PeerRefusal> of(Status status) {
        if (status.getCode() != Status.Code.FAILED_PRECONDITION) {
            return Optional.empty();
        }
        for (PeerRefusal refusal : values()) {
            if (refusal.words.equals(status.getDescription())) {
                return Optional.of(refusal);
            }
        }
        return Optional.empty();
    }
}
