package io.etcetera.operator.model;

/** Raft majority arithmetic (Raft §5.2: a leader needs votes from a majority of the voters). */
public final class Quorum {

    private Quorum() {}

    /** Smallest number of voters that forms a majority of {@code voterCount}; 0 for none. */
    public static int of(int voterCount) {
        if (voterCount < 0) {
            throw new IllegalArgumentException("voterCount(" + voterCount + ") < 0");
        }
        return voterCount == 0 ? 0 : voterCount / 2 + 1;
    }

    /** How many voters may be unavailable while a majority stays: {@code voterCount - of(..)}. */
    public static int faultsTolerated(int voterCount) {
        return voterCount - of(voterCount);
    }
}
