package io.etcetera.config;

import java.util.List;
import java.util.Locale;

/**
 * One etcd 3.4 command-line flag: its name (without dashes), Go type, default as etcd writes it,
 * the words a {@link FlagKind#CHOICE} accepts, what Etcetera does with it, and a line of help.
 *
 * <p>Invariant: {@code defaultText} parses as {@code kind}. Immutable.
 */
record Flag(
        String name,
        FlagKind kind,
        String defaultText,
        List<String> choices,
        Support support,
        String usage) {

    /** What Etcetera does with a flag that etcd 3.4 accepts. */
    enum Support {
        /** Read into {@link EtcdConfig}. */
        USED,
        /**
         * Accepted, so etcd command lines keep working; has no effect, and setting it prints a
         * warning.
         */
        IGNORED,
        /**
         * Refused with a message when set to anything but its default: Etcetera lacks the feature.
         */
        REFUSED
    }

    Flag {
        choices = List.copyOf(choices);
    }

    static Flag used(String name, FlagKind kind, String defaultText, String usage) {
        return new Flag(name, kind, defaultText, List.of(), Support.USED, usage);
    }

    static Flag ignored(String name, FlagKind kind, String defaultText, String usage) {
        return new Flag(name, kind, defaultText, List.of(), Support.IGNORED, usage);
    }

    static Flag refused(String name, FlagKind kind, String defaultText, String usage) {
        return new Flag(name, kind, defaultText, List.of(), Support.REFUSED, usage);
    }

    static Flag choice(
            String name, String defaultText, List<String> choices, Support support, String usage) {
        return new Flag(name, FlagKind.CHOICE, defaultText, choices, support, usage);
    }

    /** Parses a value; throws {@link IllegalArgumentException} with the Go error text. */
    Object parse(String text) {
        return kind.parse(text, choices);
    }

    /** The value when neither the command line nor the environment sets the flag. */
    Object defaultValue() {
        if (defaultText.isEmpty() && (kind == FlagKind.URLS || kind == FlagKind.STRINGS)) {
            return List.of();
        }
        return parse(defaultText);
    }

    /**
     * The environment variable etcd reads for this flag: {@code ETCD_} and the name in capitals.
     */
    String environmentName() {
        return "ETCD_" + name.replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
