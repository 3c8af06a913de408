package io.etcetera.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The value of every etcd flag after the command line and the environment: what was given, else
 * etcd's default; plus which flags were given explicitly, which etcd's derived defaults depend on
 * (an explicit {@code --listen-client-urls} drops the default {@code --advertise-client-urls}).
 *
 * <p>Invariant: {@code valuesByName} has a value of the flag's kind for every flag in {@link
 * EtcdFlags#BY_NAME}. Immutable.
 */
record FlagValues(
        Map<String, Object> valuesByName, Set<String> explicitlySet, List<String> warnings) {

    FlagValues {
        valuesByName = Map.copyOf(valuesByName);
        explicitlySet = Set.copyOf(explicitlySet);
        warnings = List.copyOf(warnings);
    }

    boolean isSet(String name) {
        return explicitlySet.contains(name);
    }

    String string(String name) {
        return (String) value(name);
    }

    boolean bool(String name) {
        return (Boolean) value(name);
    }

    long number(String name) {
        return (Long) value(name);
    }

    Duration duration(String name) {
        return (Duration) value(name);
    }

    @SuppressWarnings("unchecked")
    List<EtcdUrl> urls(String name) {
        return (List<EtcdUrl>) value(name);
    }

    @SuppressWarnings("unchecked")
    List<String> strings(String name) {
        return (List<String>) value(name);
    }

    private Object value(String name) {
        Object value = valuesByName.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no flag --" + name);
        }
        return value;
    }
}
