package io.etcetera.raft;

/** The requested log index lies above the storage's last index. */
public final class LogUnavailableException extends RuntimeException {

    public LogUnavailableException(long index, long lastIndex) {
        super("requested entry at index " + index + " is unavailable (last index " + lastIndex
                + ")");
    }
}
