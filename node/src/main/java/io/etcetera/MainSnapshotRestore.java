package io.etcetera;

import io.etcetera.config.ConfigException;
import io.etcetera.config.EtcdConfig;
import io.etcetera.server.SnapshotRestore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code etcetera snapshot restore FILE [flags]}: etcdctl 3.4's {@code snapshot restore}, with its
 * flags and defaults ({@code --name default}, {@code --data-dir <name>.etcd}, {@code --wal-dir},
 * {@code --initial-cluster default=http://localhost:2380}, {@code --initial-cluster-token
 * etcd-cluster}, {@code --initial-advertise-peer-urls http://localhost:2380}, {@code
 * --skip-hash-check}). Prints etcdctl's log lines and exits 0, or prints the error and exits 1.
 * Runs once, on the main thread, without starting Quarkus.
 */
final class MainSnapshotRestore {

    private static final Map<String, String> DEFAULTS = Map.of(
            "name", "default",
            "initial-cluster", "default=http://localhost:2380",
            "initial-cluster-token", "etcd-cluster",
            "initial-advertise-peer-urls", "http://localhost:2380");
    private static final List<String> VALUE_FLAGS = List.of("name", "data-dir", "wal-dir",
            "initial-cluster", "initial-cluster-token", "initial-advertise-peer-urls");

    private MainSnapshotRestore() {}

    /** Runs {@code arguments} (after {@code snapshot}); returns the exit status. */
    static int run(List<String> arguments, PrintStream out, PrintStream err) {
        if (arguments.isEmpty() || !arguments.get(0).equals("restore")) {
            err.println("Error: unknown command " + arguments
                    + " (etcetera snapshot restore FILE)");
            return 1;
        }
        try {
            SnapshotRestore.Request request = parse(arguments.subList(1, arguments.size()));
            log(err, "restoring snapshot", request);
            SnapshotRestore.restore(request);
            log(err, "restored snapshot", request);
            return 0;
        } catch (IOException | IllegalArgumentException | ConfigException e) {
            err.println("Error: " + e.getMessage());
            return 1;
        }
    }

    private static SnapshotRestore.Request parse(List<String> arguments) {
        Map<String, String> flags = new LinkedHashMap<>(DEFAULTS);
        List<String> positional = new ArrayList<>();
        boolean skipHashCheck = false;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (!argument.startsWith("-")) {
                positional.add(argument);
                continue;
            }
            String name = argument.replaceFirst("^--?", "");
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (name.equals("skip-hash-check")) {
                skipHashCheck = value == null || Boolean.parseBoolean(value);
            } else if (VALUE_FLAGS.contains(name)) {
                if (value == null) {
                    if (i + 1 >= arguments.size()) {
                        throw new IllegalArgumentException("flag needs an argument: --" + name);
                    }
                    value = arguments.get(++i);
                }
                flags.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown flag: --" + name);
            }
        }
        if (positional.size() != 1) {
            throw new IllegalArgumentException("snapshot restore requires exactly one argument");
        }
        List<String> etcdFlags = new ArrayList<>();
        flags.forEach((name, value) -> {
            etcdFlags.add("--" + name);
            etcdFlags.add(value);
        });
        return new SnapshotRestore.Request(Path.of(positional.get(0)),
                EtcdConfig.of(etcdFlags.toArray(String[]::new)), skipHashCheck);
    }

    /** One of etcdctl's JSON log lines for the restore. */
    private static void log(PrintStream err, String message, SnapshotRestore.Request request) {
        EtcdConfig config = request.config();
        Path dataDir = config.dataDir();
        err.printf("{\"level\":\"info\",\"ts\":\"%s\",\"msg\":\"%s\",\"path\":\"%s\","
                + "\"wal-dir\":\"%s\",\"data-dir\":\"%s\",\"snap-dir\":\"%s\"}%n",
                Instant.now(), message, request.snapshotFile(),
                config.walDir().orElse(dataDir.resolve("member").resolve("wal")), dataDir,
                dataDir.resolve("member").resolve("snap"));
    }
}
