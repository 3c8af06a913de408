package io.etcetera.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A test script in the style of cockroachdb/datadriven, as etcd raft's testdata uses it. Each
 * stanza is a command line ({@code name arg key=value key=(a,b)}), optional input lines, a
 * {@code ----} separator and the expected output, ended by a blank line. Lines starting with
 * {@code #} between stanzas are comments.
 *
 * <p>{@link #run} executes every stanza and collects the mismatches; with
 * {@code -Draft.rewrite=true} it instead writes the actual outputs back into the file (review
 * that diff like code: the expected output must be right per the Raft rules).
 */
final class DataDrivenScript {

    /** One command of a script. */
    record Stanza(int line, String preamble, Command command, String expected) {}

    /**
     * A parsed command line.
     *
     * @param name the command
     * @param args its arguments in order; positional ones have no values
     * @param input the lines between the command and the separator
     * @param text the command line as written
     */
    record Command(String name, List<Arg> args, List<String> input, String text) {

        /** The positional arguments. */
        List<String> positional() {
            return args.stream().filter(arg -> arg.values().isEmpty()).map(Arg::key).toList();
        }

        /** The values of {@code key=...}, or an empty list. */
        List<String> values(String key) {
            return args.stream().filter(arg -> arg.key().equals(key)).findFirst()
                    .map(Arg::values).orElse(List.of());
        }

        String value(String key, String fallback) {
            List<String> values = values(key);
            return values.isEmpty() ? fallback : values.get(0);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** {@code key}, {@code key=value} or {@code key=(v1,v2)}. */
    record Arg(String key, List<String> values) {}

    private final Path path;
    private final List<Stanza> stanzas;
    private final String trailer;

    private DataDrivenScript(Path path, List<Stanza> stanzas, String trailer) {
        this.path = path;
        this.stanzas = stanzas;
        this.trailer = trailer;
    }

    static DataDrivenScript parse(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        List<Stanza> stanzas = new ArrayList<>();
        StringBuilder preamble = new StringBuilder();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                preamble.append(line).append('\n');
                i++;
                continue;
            }
            int commandLine = i + 1;
            List<String> input = new ArrayList<>();
            i++;
            while (i < lines.size() && !lines.get(i).equals("----")) {
                input.add(lines.get(i++));
            }
            if (i == lines.size()) {
                throw new IllegalArgumentException(path + ":" + commandLine + ": missing ----");
            }
            i++;
            StringBuilder expected = new StringBuilder();
            while (i < lines.size() && !lines.get(i).isEmpty()) {
                expected.append(lines.get(i++)).append('\n');
            }
            if (i < lines.size()) {
                i++; // the blank line that ends the stanza
            }
            stanzas.add(new Stanza(commandLine, preamble.toString(), parseCommand(line, input),
                    expected.toString()));
            preamble.setLength(0);
        }
        return new DataDrivenScript(path, stanzas, preamble.toString());
    }

    private static Command parseCommand(String line, List<String> input) {
        String[] tokens = line.trim().split("\\s+");
        List<Arg> args = new ArrayList<>();
        for (int t = 1; t < tokens.length; t++) {
            String token = tokens[t];
            int equals = token.indexOf('=');
            if (equals < 0) {
                args.add(new Arg(token, List.of()));
                continue;
            }
            String value = token.substring(equals + 1);
            List<String> values = value.startsWith("(") && value.endsWith(")")
                    ? List.of(value.substring(1, value.length() - 1).split(","))
                    : List.of(value);
            args.add(new Arg(token.substring(0, equals), values));
        }
        return new Command(tokens[0], args, List.copyOf(input), line.trim());
    }

    /**
     * Runs every stanza through {@code handler} (which returns the command's output). Returns
     * the mismatches, one description each; after a rewrite, none.
     */
    List<String> run(Function<Command, String> handler, boolean rewrite) throws IOException {
        List<String> mismatches = new ArrayList<>();
        StringBuilder rewritten = new StringBuilder();
        for (Stanza stanza : stanzas) {
            String actual = handler.apply(stanza.command());
            if (actual.isEmpty()) {
                actual = "ok\n";
            } else if (!actual.endsWith("\n")) {
                actual += "\n";
            }
            if (actual.contains("\n\n")) {
                throw new IllegalStateException(path + ":" + stanza.line()
                        + ": output has a blank line, which the format cannot hold:\n" + actual);
            }
            if (!actual.equals(stanza.expected())) {
                mismatches.add(path.getFileName() + ":" + stanza.line() + ": " + stanza.command()
                        + "\n--- expected\n" + stanza.expected() + "--- actual\n" + actual);
            }
            rewritten.append(stanza.preamble()).append(stanza.command());
            for (String input : stanza.command().input()) {
                rewritten.append('\n').append(input);
            }
            rewritten.append("\n----\n").append(actual).append('\n');
        }
        if (rewrite) {
            String text = rewritten.append(trailer).toString().replaceAll("\n+$", "\n");
            Files.writeString(path, text, StandardCharsets.UTF_8);
            return List.of();
        }
        return mismatches;
    }
}
