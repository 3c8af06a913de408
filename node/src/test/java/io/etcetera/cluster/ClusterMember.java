package io.etcetera.cluster;

import java.io.IOException;
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
 * The process of one cluster member (Etcetera or etcd, see {@link MemberKind}) in a slot of a
 * {@link LocalCluster}: a client port, a real peer port it listens on, and the port of its {@link
 * PeerProxy} that it advertises, so that all peer traffic to it crosses the proxy. Can be killed
 * with SIGKILL and started again on the same data dir, paused with SIGSTOP and resumed with
 * SIGCONT. Output goes to a log file beside the data dir, appended across restarts.
 *
 * <p>Owned by the thread that drives the cluster (the test, then the nemesis).
 */
final class ClusterMember {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();

    final int slot;
    final MemberKind kind;
    final int clientPort;
    final int peerPort;
    final int proxyPort;
    private final Path dataDir;
    private final Path log;
    private String name;
    private List<String> clusterFlags = List.of();
    private volatile Process process;
    private volatile boolean paused;

    /** Whether the process is down because the harness killed it (else it died on its own). */
    private volatile boolean killed;

    ClusterMember(int slot, MemberKind kind, Path dataDir, int clientPort, int peerPort,
            int proxyPort) {
        this.slot = slot;
        this.kind = kind;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.proxyPort = proxyPort;
    }

    /** Starts the process as member {@code name} with etcd's cluster flags; does not wait. */
    void start(String memberName, List<String> memberClusterFlags) throws IOException {
        this.name = memberName;
        this.clusterFlags = List.copyOf(memberClusterFlags);
        launch();
    }

    private void launch() throws IOException {
        Files.createDirectories(dataDir.getParent());
        List<String> command = new ArrayList<>(kind.command());
        command.addAll(List.of("--name", name, "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", peerUrl()));
        command.addAll(clusterFlags);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCD_"));
        process = builder.start();
        paused = false;
        killed = false;
    }

    /** Whether {@code /health} answers true within a second (a leader, and reads work). */
    boolean healthy() {
        HttpRequest health = HttpRequest.newBuilder(URI.create(clientUrl() + "/health"))
                .timeout(Duration.ofSeconds(1)).build();
        try {
            return isAlive() && !paused && HTTP.send(health, HttpResponse.BodyHandlers.ofString())
                    .body().contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws IOException, InterruptedException {
        Process current = process;
        if (paused) {
            resume();
        }
        current.destroyForcibly();
        current.waitFor();
        killed = true;
    }

    /** Starts the killed process again, same name, data dir and flags. */
    void restart() throws IOException {
        launch();
    }

    /** Wipes the data dir of a stopped member, so that it can join again as a new member. */
    void wipe() throws IOException {
        if (Files.exists(dataDir)) {
            try (var paths = Files.walk(dataDir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    void pause() throws IOException, InterruptedException {
        signal("STOP");
        paused = true;
    }

    void resume() throws IOException, InterruptedException {
        signal("CONT");
        paused = false;
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + pid() + " failed");
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** Whether the harness killed the process and has not started it again. */
    boolean wasKilled() {
        return killed && !isAlive();
    }

    boolean isPaused() {
        return paused;
    }

    /** SIGTERM (after SIGCONT if paused); SIGKILL after a grace period. */
    void stop() throws IOException, InterruptedException {
        if (!isAlive()) {
            return;
        }
        if (paused) {
            resume();
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    String name() {
        return name;
    }

    String clientUrl() {
        return "http://127.0.0.1:" + clientPort;
    }

    String peerUrl() {
        return "http://127.0.0.1:" + proxyPort;
    }

    Path log() {
        return log;
    }

    /** Lines of this member's log, across its runs, that contain {@code text}. */
    long logLinesWith(String text) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> line.contains(text)).count();
        }
    }

    @Override
    public String toString() {
        return name + " (slot " + slot + ", " + clientUrl() + ")";
    }
}
