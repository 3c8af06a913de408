package io.etcetera.operator.etcd;

import io.etcetera.operator.testing.TestCerts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real etcd 3.4 process on 127.0.0.1 with free ports and a data dir under target/, for tests of
 * the {@code etcd} package; with {@code serving} certificates it serves TLS on its client port and
 * requires client certificates issued by {@code trustedCa}. Killed with SIGKILL by
 * {@link #close()}.
 */
final class LocalEtcd implements AutoCloseable {

    final String name;
    final URI clientUrl;
    final MemberEndpoint client;
    final URI peerUrl;
    final Path dataDir;
    private final List<String> tlsFlags;
    private Process process;

    LocalEtcd(String name, Path root) {
        this.name = name;
        this.clientUrl = URI.create("http://127.0.0.1:" + freePort());
        this.client = MemberEndpoint.plaintext(clientUrl);
        this.peerUrl = URI.create("http://127.0.0.1:" + freePort());
        this.dataDir = root.resolve(name);
        this.tlsFlags = List.of();
    }

    LocalEtcd(String name, Path root, TestCerts.Issued serving, Path trustedCa,
            ClientTls operator) {
        this.name = name;
        this.clientUrl = URI.create("https://127.0.0.1:" + freePort());
        this.client = new MemberEndpoint(clientUrl, Optional.of(operator));
        this.peerUrl = URI.create("http://127.0.0.1:" + freePort());
        this.dataDir = root.resolve(name);
        this.tlsFlags = List.of("--cert-file=" + serving.cert(), "--key-file=" + serving.key(),
                "--trusted-ca-file=" + trustedCa, "--client-cert-auth=true");
    }

    /** Starts with {@code --initial-cluster=<initialCluster>} and the given state. */
    LocalEtcd start(String initialCluster, String state) {
        try {
            Files.createDirectories(dataDir.getParent());
            List<String> line = new ArrayList<>(List.of("etcd",
                    "--name=" + name,
                    "--data-dir=" + dataDir,
                    "--listen-client-urls=" + clientUrl,
                    "--advertise-client-urls=" + clientUrl,
                    "--listen-peer-urls=" + peerUrl,
                    "--initial-advertise-peer-urls=" + peerUrl,
                    "--initial-cluster=" + initialCluster,
                    "--initial-cluster-state=" + state,
                    "--heartbeat-interval=50",
                    "--election-timeout=500"));
            line.addAll(tlsFlags);
            process = new ProcessBuilder(line)
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolveSibling(name + ".log").toFile())
                    .start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("starting etcd " + name, e);
        }
    }

    String initialClusterEntry() {
        return name + "=" + peerUrl;
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
