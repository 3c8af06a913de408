package io.etcetera.cluster.linearizability;

import java.util.Objects;
import java.util.Optional;

/**
 * The sequential specification of one key: the value it holds ({@code null}: absent), and which
 * operations may happen to it in that state and what they leave behind. Immutable; equal states
 * are equal records, which the checker's memo relies on.
 */
record Register(String value) {

    /** A key that was never written: every run starts on fresh keys. */
    static final Register ABSENT = new Register(null);

    /**
     * The state after {@code operation} happens in this state, or empty when it cannot have
     * happened here (a read of another value, a CAS whose answer contradicts the compare).
     */
    Optional<Register> step(Operation operation) {
        boolean holdsExpected = Objects.equals(value, operation.expected());
        Register written = new Register(operation.value());
        return switch (operation.kind()) {
            case GET -> Objects.equals(value, operation.value())
                    ? Optional.of(this)
                    : Optional.empty();
            case PUT -> Optional.of(written);
            case CAS -> switch (operation.outcome()) {
                case OK -> holdsExpected ? Optional.of(written) : Optional.empty();
                case FAILED -> holdsExpected ? Optional.empty() : Optional.of(this);
                case UNKNOWN -> Optional.of(holdsExpected ? written : this);
            };
        };
    }
}
