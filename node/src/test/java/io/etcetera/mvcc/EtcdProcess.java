package io.etcetera.mvcc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd 3.4 member (the {@code etcd} on the PATH) in a temporary data directory on free
 * loopback ports, for comparing the store's behaviour with etcd's. Closing it kills the process.
 */
final class EtcdProcess implements AutoCloseable {

    private static final long READY_SECONDS_MAX = 60;

    private final Process process;
    private final int clientPort;

    private EtcdProcess(Process process, int clientPort) {
        this.process = process;
        this.clientPort = clientPort;
    }

    static EtcdProcess start(Path dataDir) throws IOException, InterruptedException {
        int clientPort = freePort();
        int peerPort = freePort();
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        Process process =
                new ProcessBuilder(
                                List.of(
                                        "etcd",
                                        "--name",
                                        "parity",
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--listen-client-urls",
                                        client,
                                        "--advertise-client-urls",
                                        client,
                                        "--listen-peer-urls",
                                        peer,
                                        "--initial-advertise-peer-urls",
                                        peer,
                                        "--initial-cluster",
                                        "parity=" + peer))
                        .redirectErrorStream(true)
                        .start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread drain = new Thread(() -> drain(process, ready), "etcd-output");
        drain.setDaemon(true);
        drain.start();
        if (!ready.await(READY_SECONDS_MAX, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "etcd did not become ready in " + READY_SECONDS_MAX + " s");
        }
        return new EtcdProcess(process, clientPort);
    }

    private static void drain(Process process, CountDownLatch ready) {
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.contains("ready to serve client requests")) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    int clientPort() {
        return clientPort;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
