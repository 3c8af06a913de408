package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-member etcd (Debian's {@code etcd}) on free loopback ports with a data dir under
 * the given directory, started for a test and killed after it. Its KV answers before the
 * constructor returns.
 */
final class EtcdProcess implements AutoCloseable {
    private static final Duration READY_WAIT_MAX = Duration.ofSeconds(20);
    private static final Duration ATTEMPT_WAIT = Duration.ofMillis(500);

    private final Process process;
    private final int clientPort;
    private final ManagedChannel channel;

    EtcdProcess(Path directory) throws IOException, InterruptedException {
        int[] ports = freePorts();
        clientPort = ports[0];
        String clientUrl = "http://127.0.0.1:" + ports[0];
        String peerUrl = "http://127.0.0.1:" + ports[1];
        process = new ProcessBuilder(List.of("etcd", "--name", "bench-test",
                "--data-dir", directory.resolve("etcd").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "bench-test=" + peerUrl))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("etcd.log").toFile())
                .start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().build();
        awaitKv();
    }

    /** The client endpoint, host:port. */
    String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    /** A blocking KV stub for checking what a run wrote. */
    KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    private void awaitKv() throws InterruptedException {
        long deadlineNanos = System.nanoTime() + READY_WAIT_MAX.toNanos();
        RangeRequest probe =
                RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("probe")).build();
        while (true) {
            try {
                KVGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(ATTEMPT_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                        .range(probe);
                return;
            } catch (StatusRuntimeException notYet) {
                if (!process.isAlive() || System.nanoTime() - deadlineNanos > 0) {
                    throw new IllegalStateException("etcd did not serve KV within "
                            + READY_WAIT_MAX.toSeconds() + " s (alive: " + process.isAlive() + ")",
                            notYet);
                }
                TimeUnit.MILLISECONDS.sleep(ATTEMPT_WAIT.toMillis() / 5);
            }
        }
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket client = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {client.getLocalPort(), peer.getLocalPort()};
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
