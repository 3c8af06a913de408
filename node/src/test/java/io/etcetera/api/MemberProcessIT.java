package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged member ({@code target/quarkus-app/quarkus-run.jar}) as a separate process: it
 * refuses bad flags before Quarkus starts, binds exactly the ports etcd's flags name, serves HTTP
 * on its client and metrics URLs, and stops on SIGTERM.
 */
class MemberProcessIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Process launch(Path log, String... flags) throws IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-jar",
                                JAR.toString()));
        command.addAll(List.of(flags));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCD_"));
        return builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Path log() throws IOException {
        Files.createDirectories(Path.of("target"));
        return Files.createTempFile(Path.of("target"), "member-", ".log");
    }

    @Test
    void badFlagsAreRefusedInEtcdsWordsWithEtcdsExitStatus() throws Exception {
        Path log = log();
        Process unknown = launch(log, "--bogus");
        assertThat(unknown.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(unknown.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).startsWith("flag provided but not defined: -bogus\n");

        Process invalid = launch(log, "--election-timeout", "10");
        assertThat(invalid.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(invalid.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log))
                .contains(
                        "--election-timeout[10ms] should be at least as 5 times as "
                                + "--heartbeat-interval[100ms]");
    }

    @Test
    void servesTheFlaggedPortsAndStopsOnSigterm() throws Exception {
        int clientPort = freePort();
        int metricsPort = freePort();
        int peerPort = freePort();
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        Path log = log();
        Process member =
                launch(
                        log,
                        "--listen-client-urls",
                        client,
                        "--advertise-client-urls",
                        client,
                        "--listen-metrics-urls",
                        "http://127.0.0.1:" + metricsPort,
                        "--listen-peer-urls",
                        peer,
                        "--initial-advertise-peer-urls",
                        peer,
                        "--initial-cluster",
                        "default=" + peer,
                        "--data-dir",
                        Files.createTempDirectory(Path.of("target"), "member-it-")
                                .resolve("data").toString());
        try {
            await().atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> get(clientPort, "/version").statusCode() == 200);
            assertThat(get(clientPort, "/version").body()).contains("\"etcdserver\":\"3.4.23\"");
            assertThat(get(metricsPort, "/metrics").body()).contains("jvm_memory_used_bytes");
            await().atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> get(clientPort, "/health").statusCode() == 200);
            assertThat(get(clientPort, "/health").body()).isEqualTo("{\"health\":\"true\"}");
            assertThat(get(clientPort, "/livez").body()).isEqualTo("ok\n");
            assertThat(member.pid())
                    .satisfies(
                            pid ->
                                    assertThat(listeningPorts(pid))
                                            .containsExactlyInAnyOrder(clientPort, metricsPort, peerPort));
            assertThat(Files.readString(log, StandardCharsets.UTF_8))
                    .contains("ready to serve client requests on " + client);
        } finally {
            member.destroy();
        }
        assertThat(member.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(member.exitValue()).as("128 + SIGTERM, as etcd exits").isEqualTo(143);
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("stopped in");
    }

    @Test
    void aDamagedWalStopsTheStartWithWhatToDoAndExitStatusOne() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "member-damaged-")
                .resolve("data");
        int clientPort = freePort();
        String client = "http://127.0.0.1:" + clientPort;
        Path log = log();
        Process member = launch(log, "--listen-client-urls", client, "--advertise-client-urls",
                client, "--data-dir", dataDir.toString());
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> get(clientPort, "/health").statusCode() == 200);
        } finally {
            member.destroy();
            member.waitFor(30, TimeUnit.SECONDS);
        }
        Path segment;
        try (var files = Files.list(dataDir.resolve("member").resolve("wal"))) {
            segment = files.filter(file -> file.toString().endsWith(".wal")).sorted().findFirst()
                    .orElseThrow();
        }
        try (var file = new java.io.RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(100); // the head records, before every entry synced since
            file.write(~file.read());
        }
        Process restarted = launch(log, "--listen-client-urls", client, "--advertise-client-urls",
                client, "--data-dir", dataDir.toString());
        assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(restarted.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log, StandardCharsets.UTF_8))
                .contains("cannot start the member on " + dataDir)
                .contains(segment.toString())
                .contains("byte offset")
                .contains("delete its data directory");
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The TCP ports the process listens on, from {@code ss}: proof Quarkus opened none of its own.
     */
    private static List<Integer> listeningPorts(long pid) throws Exception {
        Process ss = new ProcessBuilder("ss", "-Htlnp").start();
        String table = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ss.waitFor(10, TimeUnit.SECONDS);
        return table.lines()
                .filter(line -> line.contains("pid=" + pid + ","))
                .map(line -> line.trim().split("\\s+")[3])
                .map(address -> Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)))
                .toList();
    }
}
