package io.etcetera.operator.status;

import io.etcetera.operator.crd.EtcdSnapshotStatus;
import io.etcetera.operator.etcd.SnapshotResult;
import java.time.Instant;

/** Makes an EtcdSnapshot's status: Succeeded with the stored result, or Pending/Failed with why. */
public final class SnapshotStatusBuilder {

    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String PENDING = "Pending";

    private SnapshotStatusBuilder() {}

    public static boolean isTerminal(EtcdSnapshotStatus status) {
        return status != null
                && (SUCCEEDED.equals(status.phase()) || FAILED.equals(status.phase()));
    }

    public static EtcdSnapshotStatus succeeded(long generation, SnapshotResult result,
            String location, String member, Instant started, Instant now) {
        return new EtcdSnapshotStatus(generation, SUCCEEDED, result.revision(),
                result.sizeBytes(), result.sha256(), location, member, started.toString(),
                now.toString(), null);
    }

    /** Failed when {@code lastAttempt}, else Pending: the snapshot is retried. */
    public static EtcdSnapshotStatus failed(EtcdSnapshotStatus prior, long generation,
            Exception error, boolean lastAttempt, Instant now) {
        String started = prior != null && prior.startTime() != null ? prior.startTime()
                : now.toString();
        String message = error.getMessage() != null ? error.getMessage() : error.toString();
        return new EtcdSnapshotStatus(generation, lastAttempt ? FAILED : PENDING, null, null,
                null, null, null, started, lastAttempt ? now.toString() : null, message);
    }
}
