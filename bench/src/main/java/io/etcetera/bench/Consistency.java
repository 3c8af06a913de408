package io.etcetera.bench;

import picocli.CommandLine.TypeConversionException;

/** A read's {@code --consistency}: etcd's {@code l} (linearizable) or {@code s} (serializable). */
enum Consistency {
    LINEARIZABLE,
    SERIALIZABLE;

    /** Parses the flag value {@code l} or {@code s}. */
    static Consistency parse(String flag) {
        return switch (flag) {
            case "l" -> LINEARIZABLE;
            case "s" -> SERIALIZABLE;
            default -> throw new TypeConversionException(
                    "expected l (linearizable) or s (serializable), got '" + flag + "'");
        };
    }

    /** What etcd's benchmark prints before a read run. */
    String banner() {
        return this == LINEARIZABLE
                ? "bench with linearizable range" : "bench with serializable range";
    }
}
