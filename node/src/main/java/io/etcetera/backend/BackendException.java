package io.etcetera.backend;

/**
 * A storage fault in RocksDB: the member cannot trust its state and must stop. The message names
 * the data directory and the operation that failed.
 *
 * <p>Unchecked because no caller can recover from it locally: the server stops the member and the
 * operator decides (usually: remove this member's data directory and let it rejoin).
 */
public final class BackendException extends RuntimeException {

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }

    public BackendException(String message) {
        super(message);
    }
}
