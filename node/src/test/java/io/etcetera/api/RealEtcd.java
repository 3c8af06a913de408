package io.etcetera.api;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd 3.4 (Debian's etcd-server) in its own process on free loopback ports and a fresh data
 * dir under {@code target/}: the reference that differential tests compare against. Started
 * healthy, stopped with its data dir removed. Owned by one test class.
 */
public final class RealEtcd implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dataDir;
    private final int clientPort;
    private final String peerUrl;

    private RealEtcd(Process process, Path dataDir, int clientPort, String peerUrl) {
        this.process = process;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerUrl = peerUrl;
    }

    /** Starts etcd and waits until its /health says true. */
    public static RealEtcd start() throws IOException {
        return start(List.of());
    }

    /** Starts etcd with {@code extraFlags} too and waits until its /health says true. */
    public static RealEtcd start(List<String> extraFlags) throws IOException {
        Files.createDirectories(Path.of("target"));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "real-etcd-");
        int clientPort = freePort();
        int peerPort = freePort();
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command =
                new ArrayList<>(
                                List.of(
                                        "etcd",
                                        "--data-dir",
                                        dataDir.resolve("data").toString(),
                                        "--listen-client-urls",
                                        client,
                                        "--advertise-client-urls",
                                        client,
                                        "--listen-peer-urls",
                                        peer,
                                        "--initial-advertise-peer-urls",
                                        peer,
                                        "--initial-cluster",
                                        "default=" + peer));
        command.addAll(extraFlags);
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dataDir.resolve("etcd.log").toFile())
                        .start();
        RealEtcd etcd = new RealEtcd(process, dataDir, clientPort, peer);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create(client + "/health")).build();
        await().atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(
                        () ->
                                process.isAlive()
                                        && http.send(health, HttpResponse.BodyHandlers.ofString())
                                                .body()
                                                .contains("\"health\":\"true\""));
        return etcd;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:port}, the bare endpoint form. */
    public String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    /** The peer URL it advertises (and lists in its initial cluster). */
    public String peerUrl() {
        return peerUrl;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
