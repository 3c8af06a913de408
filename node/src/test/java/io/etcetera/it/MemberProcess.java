package io.etcetera.it;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Etcetera member as a separate process (the packaged {@code quarkus-run.jar}) on a free
 * loopback client port and its own data dir: started and awaited until {@code /health} says true,
 * stopped with SIGTERM, or killed with SIGKILL and restarted on the same data dir and port. Its
 * output goes to a log file beside the data dir. Owned by one test.
 */
public final class MemberProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final List<String> extraFlags;
    private final Path log;
    private Process process;

    private MemberProcess(Path dataDir, int clientPort, List<String> extraFlags, Path log)
            throws IOException {
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = freePort();
        this.extraFlags = List.copyOf(extraFlags);
        this.log = log;
    }

    /** Starts a member on {@code dataDir} with etcd's {@code extraFlags} and waits for health. */
    public static MemberProcess start(Path dataDir, List<String> extraFlags) throws IOException {
        Files.createDirectories(dataDir.getParent());
        MemberProcess member = new MemberProcess(dataDir, freePort(), extraFlags,
                dataDir.resolveSibling(dataDir.getFileName() + ".log"));
        member.launch();
        member.awaitHealthy();
        return member;
    }

    /** Runs the jar with {@code arguments} to completion (e.g. {@code snapshot restore}). */
    public static ProcessResult runJar(Duration timeout, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not finish: " + command);
        }
        return new ProcessResult(process.exitValue(), output);
    }

    /** What a finished process printed and returned. */
    public record ProcessResult(int exitStatus, String output) {}

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-jar",
                JAR.toString(), "--data-dir", dataDir.toString(),
                "--listen-client-urls", url(), "--advertise-client-urls", url()));
        if (!extraFlags.contains("--listen-peer-urls")) {
            // A member listens on its peer URLs even when alone: a free port, not etcd's 2380.
            command.addAll(List.of("--listen-peer-urls", "http://127.0.0.1:" + peerPort));
        }
        command.addAll(extraFlags);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCD_"));
        process = builder.start();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Waits until {@code /health} answers {@code true} (a leader, no alarm, reads work). */
    public void awaitHealthy() {
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health"))
                .timeout(Duration.ofSeconds(5)).build();
        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("member exited with "
                                + process.exitValue() + "; see " + log);
                    }
                    return HTTP.send(health, HttpResponse.BodyHandlers.ofString()).body()
                            .contains("\"health\":\"true\"");
                });
    }

    /** SIGKILL: the member gets no chance to flush or close anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts the member again on the same data dir and port, and waits for health. */
    public void restart() throws IOException {
        launch();
        awaitHealthy();
    }

    /** SIGTERM, then waits for the exit; returns the exit status. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit on its own; returns its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("member did not exit; see " + log);
        }
        return process.exitValue();
    }

    /** {@code 127.0.0.1:port}: etcdctl's bare endpoint form. */
    public String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://" + endpoint();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
