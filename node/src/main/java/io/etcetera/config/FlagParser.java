package io.etcetera.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a command line as Go's {@code flag} package does for etcd, then fills unset flags from
 * {@code ETCD_*} variables as etcd's {@code flags.SetFlagsFromEnv} does.
 *
 * <p>Command line: {@code -flag}, {@code --flag}, {@code -flag=value}, {@code --flag value}; a
 * boolean flag takes a value only after {@code =}; parsing stops at the first argument that is not
 * a flag, or after {@code --}; a later occurrence of a flag wins. Errors are Go's, with exit status
 * 2. Environment: a variable applies only to a flag the command line left unset, and is an error
 * (status 1) if it names a flag the command line set; an {@code ETCD_} variable that names no flag
 * is a warning. One instance per parse; not thread-safe.
 */
final class FlagParser {

    private final Map<String, Object> valuesByName = new HashMap<>();
    private final Set<String> setOnCommandLine = new HashSet<>();
    private final Set<String> explicitlySet = new HashSet<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> positional = new ArrayList<>();
    private boolean helpRequested;

    private FlagParser() {
        EtcdFlags.BY_NAME
                .values()
                .forEach(flag -> valuesByName.put(flag.name(), flag.defaultValue()));
    }

    /**
     * Parses {@code arguments} and {@code environment}; returns null when the command line asks for
     * help ({@code -h}, {@code --help}), as Go's {@code flag.ErrHelp}. Throws {@link
     * ConfigException}.
     */
    static FlagValues parse(List<String> arguments, Map<String, String> environment) {
        FlagParser parser = new FlagParser();
        parser.parseCommandLine(arguments);
        if (parser.helpRequested) {
            return null;
        }
        if (!parser.positional.isEmpty()) {
            throw ConfigException.invalid(
                    EtcdCommandLine.verifyingFlags(
                            "'" + parser.positional.get(0) + "' is not a valid flag"));
        }
        if (!parser.bool("version")) {
            parser.applyEnvironment(environment);
        }
        return new FlagValues(parser.valuesByName, parser.explicitlySet, parser.warnings);
    }

    private boolean bool(String name) {
        return (Boolean) valuesByName.get(name);
    }

    private void parseCommandLine(List<String> arguments) {
        int index = 0;
        while (index < arguments.size() && !helpRequested) {
            String argument = arguments.get(index);
            if (argument.length() < 2 || argument.charAt(0) != '-') {
                break;
            }
            int dashes = argument.charAt(1) == '-' ? 2 : 1;
            if (dashes == 2 && argument.length() == 2) {
                index++;
                break;
            }
            String name = argument.substring(dashes);
            if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
                throw ConfigException.badFlag("bad flag syntax: " + argument);
            }
            index = parseOne(name, arguments, index + 1);
        }
        positional.addAll(arguments.subList(Math.min(index, arguments.size()), arguments.size()));
    }

    /** Parses one flag whose text after the dashes is {@code name}; returns the next index. */
    private int parseOne(String nameAndValue, List<String> arguments, int next) {
        int equals = nameAndValue.indexOf('=', 1);
        String name = equals < 0 ? nameAndValue : nameAndValue.substring(0, equals);
        String value = equals < 0 ? null : nameAndValue.substring(equals + 1);
        Flag flag = EtcdFlags.BY_NAME.get(name);
        if (flag == null) {
            if (name.equals("help") || name.equals("h")) {
                helpRequested = true;
                return next;
            }
            throw ConfigException.badFlag("flag provided but not defined: -" + name);
        }
        if (flag.kind().isBool()) {
            setFromCommandLine(flag, value == null ? "true" : value, value != null);
            return next;
        }
        if (value == null) {
            if (next >= arguments.size()) {
                throw ConfigException.badFlag("flag needs an argument: -" + name);
            }
            value = arguments.get(next++);
        }
        setFromCommandLine(flag, value, true);
        return next;
    }

    private void setFromCommandLine(Flag flag, String value, boolean valueGiven) {
        try {
            set(flag, value);
        } catch (IllegalArgumentException e) {
            if (flag.kind().isBool()) {
                throw ConfigException.badFlag(
                        valueGiven
                                ? String.format(
                                        "invalid boolean value \"%s\" for -%s: %s",
                                        value, flag.name(), e.getMessage())
                                : String.format(
                                        "invalid boolean flag %s: %s",
                                        flag.name(), e.getMessage()));
            }
            throw ConfigException.badFlag(
                    String.format(
                            "invalid value \"%s\" for flag -%s: %s",
                            value, flag.name(), e.getMessage()));
        }
        setOnCommandLine.add(flag.name());
    }

    private void set(Flag flag, String value) {
        if (flag.kind() == FlagKind.URLS && value.isEmpty()) {
            explicitlySet.add(flag.name()); // etcd's UniqueURLs keeps its value when given ""
            return;
        }
        valuesByName.put(flag.name(), flag.parse(value));
        explicitlySet.add(flag.name());
        if (flag.kind() == FlagKind.IGNORED) {
            warnings.add(
                    String.format("flag \"-%s\" is no longer supported - ignoring.", flag.name()));
        }
    }

    private void applyEnvironment(Map<String, String> environment) {
        Map<String, Flag> flagsByVariable = new TreeMap<>();
        EtcdFlags.BY_NAME
                .values()
                .forEach(flag -> flagsByVariable.put(flag.environmentName(), flag));
        for (Flag flag : flagsByVariable.values()) {
            String value = environment.get(flag.environmentName());
            if (setOnCommandLine.contains(flag.name()) || value == null || value.isEmpty()) {
                continue;
            }
            try {
                set(flag, value);
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(
                        EtcdCommandLine.verifyingFlags(
                                String.format(
                                        "invalid value \"%s\" for %s: %s",
                                        value, flag.environmentName(), e.getMessage())));
            }
        }
        new TreeMap<>(environment)
                .forEach(
                        (variable, value) -> {
                            Flag flag = flagsByVariable.get(variable);
                            if (flag != null && setOnCommandLine.contains(flag.name())) {
                                throw ConfigException.invalid(
                                        String.format(
                                                "conflicting environment variable \"%s\" is"
                                                    + " shadowed by corresponding command-line flag"
                                                    + " (either unset environment variable or"
                                                    + " disable flag)",
                                                variable));
                            }
                            if (flag == null
                                    && variable.startsWith("ETCD_")
                                    && !variable.equals("ETCD_CONFIG_FILE")) {
                                warnings.add(
                                        "unrecognized environment variable "
                                                + variable
                                                + "="
                                                + value);
                            }
                        });
    }
}
