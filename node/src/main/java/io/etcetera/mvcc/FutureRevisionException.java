package io.etcetera.mvcc;

/**
 * The requested revision is newer than the store's current revision (etcd's {@code ErrFutureRev}).
 *
 * <p>Immutable.
 */
public final class FutureRevisionException extends MvccException {

    private final long requestedRevision;
    private final long currentRevision;

    public FutureRevisionException(long requestedRevision, long currentRevision) {
        super(
                "mvcc: required revision "
                        + requestedRevision
                        + " is a future revision (current revision "
                        + currentRevision
                        + ")");
        this.requestedRevision = requestedRevision;
        this.currentRevision = currentRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    public long currentRevision() {
        return currentRevision;
    }
}
