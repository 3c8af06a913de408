package io.etcetera.config;

import java.util.List;

/**
 * {@code --logger}, {@code --log-level} and {@code --log-outputs}. {@code capnslog} writes text
 * lines, {@code zap} one JSON object a line with etcd's field names; the outputs are {@code
 * default} (standard error), {@code stderr}, {@code stdout}, or, with {@code zap}, file paths.
 * Immutable.
 */
public record LogConfig(String logger, Level level, List<String> outputs) {

    public LogConfig {
        outputs = List.copyOf(outputs);
    }

    /** etcd's log levels. */
    public enum Level {
        DEBUG,
        INFO,
        WARN,
        ERROR,
        PANIC,
        FATAL
    }
}
