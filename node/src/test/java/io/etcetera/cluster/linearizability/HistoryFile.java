package io.etcetera.cluster.linearizability;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A history saved as JSON lines, one operation a line, so a violation found in a run can be
 * checked again later ({@link CheckHistory}) and read by eye or by {@code jq}:
 *
 * <pre>
 * {"client":3,"kind":"CAS","key":"k1","expected":"v2","value":"v9","outcome":"FAILED",
 *  "call":120,"return":480}
 * </pre>
 *
 * (one line in the file). {@code expected} and {@code value} are null when absent; {@code return}
 * is null for an operation whose outcome is unknown. Times are nanoseconds of the run's clock.
 * Stateless; reads only the flat objects it writes.
 */
public final class HistoryFile {

    private HistoryFile() {}

    /** Writes {@code history} to {@code file}, replacing it. */
    public static void save(Path file, List<Operation> history) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Operation op : history) {
                out.write("{\"client\":" + op.clientId() + ",\"kind\":" + quote(op.kind().name())
                        + ",\"key\":" + quote(op.key()) + ",\"expected\":" + quote(op.expected())
                        + ",\"value\":" + quote(op.value()) + ",\"outcome\":"
                        + quote(op.outcome().name()) + ",\"call\":" + op.callNanos()
                        + ",\"return\":" + (op.isPending() ? "null" : op.returnNanos()) + "}");
                out.newLine();
            }
        }
    }

    /** Reads a file {@link #save} wrote. */
    public static List<Operation> load(Path file) throws IOException {
        List<Operation> history = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                history.add(operation(new FlatJson(line).object()));
            } catch (RuntimeException e) {
                throw new IOException(file + ":" + lineNumber + ": " + e.getMessage(), e);
            }
        }
        return history;
    }

    private static Operation operation(Map<String, String> fields) {
        String returned = fields.get("return");
        return new Operation(
                Integer.parseInt(required(fields, "client")),
                Operation.Kind.valueOf(required(fields, "kind")),
                required(fields, "key"),
                fields.get("expected"),
                fields.get("value"),
                Operation.Outcome.valueOf(required(fields, "outcome")),
                Long.parseLong(required(fields, "call")),
                returned == null ? Operation.NEVER : Long.parseLong(returned));
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no \"" + name + "\"");
        }
        return value;
    }

    private static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** A reader of one flat JSON object whose values are strings, integers or null. */
    private static final class FlatJson {
        private final String text;
        private int at;

        FlatJson(String text) {
            this.text = text;
        }

        Map<String, String> object() {
            Map<String, String> fields = new HashMap<>();
            expect('{');
            while (peek() != '}') {
                String name = string();
                expect(':');
                fields.put(name, value());
                if (peek() == ',') {
                    at++;
                }
            }
            expect('}');
            return fields;
        }

        private String value() {
            char first = peek();
            if (first == '"') {
                return string();
            }
            if (text.startsWith("null", at)) {
                at += 4;
                return null;
            }
            int start = at;
            while (at < text.length() && (text.charAt(at) == '-' || isDigit(text.charAt(at)))) {
                at++;
            }
            if (start == at) {
                throw new IllegalArgumentException("unexpected '" + first + "' at " + at);
            }
            return text.substring(start, at);
        }

        private String string() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (text.charAt(at) != '"') {
                char c = text.charAt(at++);
                if (c != '\\') {
                    value.append(c);
                } else if (text.charAt(at) == 'u') {
                    value.append((char) Integer.parseInt(text.substring(at + 1, at + 5), 16));
                    at += 5;
                } else {
                    value.append(text.charAt(at++));
                }
            }
            at++;
            return value.toString();
        }

        private char peek() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (at == text.length()) {
                throw new IllegalArgumentException("line ends early");
            }
            return text.charAt(at);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + at);
            }
            at++;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
