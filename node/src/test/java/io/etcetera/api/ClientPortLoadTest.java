package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of the client port itself: a trivial unary call (Maintenance.Status answered from a
 * constant) under a closed loop of {@link #IN_FLIGHT} concurrent calls on one HTTP/2 connection,
 * against the same load on a bare grpc-java Netty server with the same service (what the protocol
 * sniffing costs) and on real etcd's Status (which does a little work: raft status, backend size),
 * in the same run. Prints p50, p99 and calls per second and appends them to {@code
 * target/client-port-load.txt}. A measurement, not a check: it runs only with {@code
 * -Detcetera.bench=true}, e.g. {@code mvn -pl node test -Dtest=ClientPortLoadTest
 * -Detcetera.bench=true}.
 */
@EnabledIfSystemProperty(named = "etcetera.bench", matches = "true")
class ClientPortLoadTest {

    static final int IN_FLIGHT = 50;
    static final Duration WARMUP =
            Duration.ofSeconds(Long.getLong("etcetera.bench.warmupSeconds", 10));
    static final Duration MEASURED = Duration.ofSeconds(Long.getLong("etcetera.bench.seconds", 20));
    static final int ROUNDS = Integer.getInteger("etcetera.bench.rounds", 2);

    /** One measured run. */
    record Result(
            String target,
            long calls,
            double callsPerSecond,
            double p50Micros,
            double p99Micros,
            double p999Micros) {
        @Override
        public String toString() {
            return String.format(
                    "%-26s %9d calls %9.0f calls/s  p50 %7.0f us  p99 %7.0f us  p99.9 %7.0f us",
                    target, calls, callsPerSecond, p50Micros, p99Micros, p999Micros);
        }
    }

    @Test
    void statusUnderFiftyConcurrentCallsAgainstRealEtcd() throws Exception {
        Server bare =
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .directExecutor()
                        .addService(new FixedStatusMaintenance())
                        .build()
                        .start();
        try (RealEtcd etcd = RealEtcd.start();
                ClientPort port =
                        TestPorts.started(
                                List.of(new FixedStatusMaintenance()), TestPorts.LOOPBACK)) {
            StringBuilder report =
                    new StringBuilder(
                            String.format(
                                    "%n%d in flight on 1 connection, %s warmup, %s"
                                            + " measured, %d cores%n",
                                    IN_FLIGHT,
                                    WARMUP,
                                    MEASURED,
                                    Runtime.getRuntime().availableProcessors()));
            for (int round = 0; round < ROUNDS; round++) {
                for (var target :
                        List.of(
                                new String[] {
                                    "etcetera client port",
                                    "127.0.0.1:" + port.clientAddresses().get(0).getPort()
                                },
                                new String[] {"grpc-java alone", "127.0.0.1:" + bare.getPort()},
                                new String[] {"etcd 3.4.23", etcd.endpoint()})) {
                    Result result = load(target[0], target[1]);
                    assertThat(result.calls()).isPositive();
                    report.append(result).append('\n');
                    System.out.println(result);
                }
            }
            Files.writeString(
                    Path.of("target", "client-port-load.txt"),
                    report,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } finally {
            bare.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A closed loop: each completed call starts the next, so {@link #IN_FLIGHT} are always pending.
     */
    private static Result load(String name, String target) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            MaintenanceGrpc.MaintenanceStub stub = MaintenanceGrpc.newStub(channel);
            Recorder latencies = new Recorder(3);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong failures = new AtomicLong();
            CountDownLatch stopped = new CountDownLatch(IN_FLIGHT);
            for (int i = 0; i < IN_FLIGHT; i++) {
                call(stub, latencies, running, failures, stopped);
            }
            Thread.sleep(WARMUP.toMillis());
            latencies.reset();
            long startNanos = System.nanoTime();
            Thread.sleep(MEASURED.toMillis());
            var histogram = latencies.getIntervalHistogram();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            running.set(false);
            stopped.await(30, TimeUnit.SECONDS);
            assertThat(failures.get()).isZero();
            return new Result(
                    name,
                    histogram.getTotalCount(),
                    histogram.getTotalCount() / seconds,
                    histogram.getValueAtPercentile(50) / 1e3,
                    histogram.getValueAtPercentile(99) / 1e3,
                    histogram.getValueAtPercentile(99.9) / 1e3);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void call(
            MaintenanceGrpc.MaintenanceStub stub,
            Recorder latencies,
            AtomicBoolean running,
            AtomicLong failures,
            CountDownLatch stopped) {
        long startNanos = System.nanoTime();
        stub.status(
                StatusRequest.getDefaultInstance(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(StatusResponse response) {
                        latencies.recordValue(System.nanoTime() - startNanos);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        failures.incrementAndGet();
                        stopped.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        if (running.get()) {
                            call(stub, latencies, running, failures, stopped);
                        } else {
                            stopped.countDown();
                        }
                    }
                });
    }
}
