package io.etcetera.api;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * What the member tells the HTTP endpoints about its health; the server provides it.
 *
 * <ul>
 *   <li>{@code health}: etcd's {@code /health}. Given the alarm names the caller excludes
 *       ({@code ?exclude=NOSPACE}) and whether it asked {@code ?serializable=true}, completes with
 *       true when the member has no other alarm and can serve a read: a linearizable one, which
 *       needs a leader, or with {@code serializable} a local one, which does not (etcd 3.5's
 *       {@code checkHealth}).
 *   <li>{@code livez}: the checks of {@code /livez} (etcd 3.6), e.g. {@code serializable_read}.
 *   <li>{@code readyz}: the checks of {@code /readyz}, e.g. {@code data_corruption}, {@code
 *       serializable_read}, {@code linearizable_read}, {@code non_learner}.
 * </ul>
 *
 * <p>All run on I/O threads: they must not block. Immutable.
 */
public record HealthChecks(
        BiFunction<Set<String>, Boolean, CompletionStage<Boolean>> health,
        List<HealthCheck> livez,
        List<HealthCheck> readyz) {

    public HealthChecks {
        livez = List.copyOf(livez);
        readyz = List.copyOf(readyz);
    }
}
