package io.etcetera.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Differential: each bad command line or environment is given to the real etcd 3.4 binary and to
 * {@link EtcdCommandLine}; both must refuse it with the same message and exit status. Every case
 * listens on port 0 of the loopback, so a real etcd that got further than expected binds nothing
 * another program needs.
 */
class EtcdRefusalsTest {

    /** Keeps real etcd on free ports; each case's own flags come after and win. */
    private static final List<String> SAFE_URLS =
            List.of(
                    "--listen-client-urls",
                    "http://127.0.0.1:0",
                    "--advertise-client-urls",
                    "http://127.0.0.1:0",
                    "--listen-peer-urls",
                    "http://127.0.0.1:0",
                    "--initial-advertise-peer-urls",
                    "http://127.0.0.1:0",
                    "--initial-cluster",
                    "default=http://127.0.0.1:0");

    /** etcd's log prefix: {@code 2026-11-25 19:52:09.843558 E | etcdmain: }. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\S+ \\S+ [EC] \\| [a-z/]+: (.*)$");

    private static final long ETCD_SECONDS_MAX = 20;

    /**
     * One refused start: flags after {@link #SAFE_URLS}, environment, and whether it fails at
     * bootstrap.
     */
    record Case(List<String> flags, Map<String, String> environment, boolean atBootstrap) {
        static Case flags(String... flags) {
            return new Case(List.of(flags), Map.of(), false);
        }

        @Override
        public String toString() {
            return String.join(" ", flags) + (environment.isEmpty() ? "" : " " + environment);
        }
    }

    static List<Case> refusals() {
        return List.of(
                Case.flags("--bogus"),
                Case.flags("--snapshot-count", "abc"),
                Case.flags("--heartbeat-interval=abc"),
                Case.flags("--snapshot-count", "99999999999999999999"),
                Case.flags("--initial-cluster-state", "bad"),
                Case.flags("-name"),
                Case.flags("--client-cert-auth=maybe"),
                Case.flags("---name", "x"),
                Case.flags("--listen-client-urls", "127.0.0.1:2379"),
                Case.flags("--listen-client-urls", "ftp://127.0.0.1:0"),
                Case.flags("--listen-client-urls", "http://127.0.0.1:0/path"),
                Case.flags("--listen-client-urls", "http://127.0.0.1"),
                Case.flags("--listen-peer-urls", "http://127.0.0.1:abc"),
                Case.flags("--max-txn-ops", "-1"),
                Case.flags("--max-concurrent-streams", "4294967296"),
                Case.flags("--experimental-watch-progress-notify-interval", "abc"),
                Case.flags("--election-timeout", "100", "--heartbeat-interval", "100"),
                Case.flags("--election-timeout", "60000"),
                Case.flags("--heartbeat-interval", "0"),
                Case.flags("--auto-compaction-mode", "foo"),
                Case.flags("--logger", "foo"),
                Case.flags("--log-outputs", "stderr,stdout"),
                Case.flags("extra-arg"),
                Case.flags("--listen-client-urls", "http://example.com:2379"),
                Case.flags("--advertise-client-urls", "http://:2379"),
                Case.flags("--initial-advertise-peer-urls", "http://:2380"),
                Case.flags("--auto-compaction-retention", "abc"),
                Case.flags("--auto-compaction-retention", "-1"),
                Case.flags("--listen-client-urls", "https://127.0.0.1:0"),
                // etcd names the address it bound: a free port, not 0, so that both say the same
                Case.flags("--listen-peer-urls", "https://127.0.0.1:" + freePort()),
                Case.flags(
                        "--listen-peer-urls",
                        "http://127.0.0.1:" + freePort() + ",https://127.0.0.1:" + freePort()),
                Case.flags("--peer-cert-file", "peer.pem"),
                Case.flags(
                        "--listen-peer-urls",
                        "https://127.0.0.1:0",
                        "--peer-key-file",
                        "peer-key.pem"),
                Case.flags("--initial-cluster", "default=127.0.0.1:2380"),
                Case.flags("--initial-cluster", "garbage"),
                new Case(List.of(), Map.of("ETCD_SNAPSHOT_COUNT", "abc"), false),
                new Case(List.of("--name", "y"), Map.of("ETCD_NAME", "x"), false),
                new Case(
                        List.of(
                                "--initial-cluster",
                                "default=http://127.0.0.1:2380",
                                "--initial-advertise-peer-urls",
                                "http://127.0.0.1:2381"),
                        Map.of(),
                        true),
                new Case(
                        List.of(
                                "--initial-cluster",
                                "default=http://127.0.0.1:2380,x=http://127.0.0.1:2380",
                                "--initial-advertise-peer-urls",
                                "http://127.0.0.1:2380"),
                        Map.of(),
                        true),
                new Case(
                        List.of("--name", "foo", "--initial-cluster", "bar=http://127.0.0.1:2380"),
                        Map.of(),
                        true));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a refused start said and how it exited. */
    record Refusal(int exitStatus, String message) {}

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedAsEtcdRefusesIt(Case refused) throws Exception {
        Refusal etcd = realEtcd(refused);
        Refusal ours = etcetera(refused);
        assertThat(etcd.exitStatus()).as("real etcd refuses it").isNotZero();
        assertThat(ours).isEqualTo(etcd);
    }

    private static List<String> arguments(Case refused) {
        List<String> arguments = new ArrayList<>(SAFE_URLS);
        arguments.addAll(refused.flags());
        return arguments;
    }

    private static Refusal etcetera(Case refused) {
        try {
            EtcdCommandLine.Launch launch =
                    EtcdCommandLine.parse(arguments(refused), refused.environment());
            if (refused.atBootstrap() && launch instanceof EtcdCommandLine.Start start) {
                start.config().verifyBootstrap();
            }
            return new Refusal(0, "accepted");
        } catch (ConfigException e) {
            String firstLine = e.getMessage().lines().findFirst().orElse("").strip();
            return new Refusal(
                    e.exitStatus(), firstLine.replace("'etcetera --help'", "'etcd --help'"));
        }
    }

    private static Refusal realEtcd(Case refused) throws IOException, InterruptedException {
        Files.createDirectories(Path.of("target"));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "refused-etcd-");
        try {
            List<String> command =
                    new ArrayList<>(List.of("etcd", "--data-dir", dataDir.resolve("d").toString()));
            command.addAll(arguments(refused));
            Path log = dataDir.resolve("etcd.log");
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("ETCD_"));
            builder.environment().putAll(refused.environment());
            Process process = builder.start();
            if (!process.waitFor(ETCD_SECONDS_MAX, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Refusal(0, "still running");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return new Refusal(process.exitValue(), errorLine(process.exitValue(), output));
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Go's flag package prints its error first (status 2); etcd logs its refusal (status 1). */
    private static String errorLine(int exitStatus, String output) {
        if (exitStatus == 2) {
            return output.lines().findFirst().orElse("").strip();
        }
        for (String line : output.lines().toList()) {
            Matcher logged = LOG_LINE.matcher(line);
            if (logged.matches()) {
                return logged.group(1).strip();
            }
        }
        return output.strip();
    }
}
