package io.etcetera.config;

/**
 * A command line or environment that etcd would refuse, with etcd's message and exit status.
 *
 * <p>etcd exits with status 2 when Go's flag package rejects the command line (an unknown flag, a
 * value that does not parse) and with status 1 when the parsed flags fail its cross-checks
 * (election timeout shorter than five heartbeats, an https URL without a certificate). The message
 * names the flag in etcd's words, so a user can search etcd's documentation for it. Immutable.
 */
public final class ConfigException extends RuntimeException {

    /** Exit status for a command line that Go's flag package would not parse. */
    public static final int EXIT_BAD_FLAG = 2;

    /** Exit status for flags that parse but fail etcd's checks. */
    public static final int EXIT_INVALID_CONFIG = 1;

    private final int exitStatus;

    private ConfigException(String message, int exitStatus) {
        super(message, null, false, false);
        this.exitStatus = exitStatus;
    }

    /**
     * A command line that Go's flag package rejects, e.g. {@code flag provided but not defined:
     * -x}.
     */
    static ConfigException badFlag(String message) {
        return new ConfigException(message, EXIT_BAD_FLAG);
    }

    /** Flags that parse but that etcd refuses, e.g. an election timeout below five heartbeats. */
    static ConfigException invalid(String message) {
        return new ConfigException(message, EXIT_INVALID_CONFIG);
    }

    /**
     * The process exit status etcd uses for this error: 2 for a bad flag, 1 for an invalid config.
     */
    public int exitStatus() {
        return exitStatus;
    }
}
