package io.etcetera.mvcc;

/**
 * What one step of physical compaction did, and how far compaction has come.
 *
 * <p>Immutable.
 *
 * @param targetRevision the compact revision the step worked towards
 * @param compactedRevision every version obsolete at or below this revision is physically gone
 * @param examinedCount changes examined by this step
 * @param deletedCount versions this step deleted
 */
public record CompactionProgress(
        long targetRevision, long compactedRevision, int examinedCount, int deletedCount) {

    /** Whether physical compaction has caught up with the compact revision. */
    public boolean isDone() {
        return compactedRevision >= targetRevision;
    }
}
