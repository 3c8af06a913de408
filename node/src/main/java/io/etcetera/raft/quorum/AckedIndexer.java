package io.etcetera.raft.quorum;

/**
 * Tells, for one voter, the highest index it has acknowledged: a log index for commitment, or a
 * read-request position for ReadIndex confirmation.
 */
@FunctionalInterface
public interface AckedIndexer {

    /** The highest index {@code voterId} has acknowledged; 0 when it acknowledged nothing. */
    long ackedIndex(long voterId);
}
