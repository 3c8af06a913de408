package io.etcetera.mvcc;

/**
 * The requested revision has been compacted away (etcd's {@code ErrCompacted}).
 *
 * <p>Immutable.
 */
public final class CompactedException extends MvccException {

    private final long requestedRevision;
    private final long compactRevision;

    public CompactedException(long requestedRevision, long compactRevision) {
        super(
                "mvcc: required revision "
                        + requestedRevision
                        + " has been compacted (compact revision "
                        + compactRevision
                        + ")");
        this.requestedRevision = requestedRevision;
        this.compactRevision = compactRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    /** The store's compact revision when the request was refused (watch responses carry it). */
    public long compactRevision() {
        return compactRevision;
    }
}
