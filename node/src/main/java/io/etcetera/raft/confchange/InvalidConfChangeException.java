package io.etcetera.raft.confchange;

/**
 * A membership change that cannot be applied to the current configuration, for example removing
 * every voter or changing two voters without joint consensus. The configuration is unchanged.
 */
public final class InvalidConfChangeException extends RuntimeException {

    public InvalidConfChangeException(String message) {
        super(message);
    }
}
