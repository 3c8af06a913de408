package io.etcetera.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcetera.bench.report.Report;
import io.etcetera.bench.report.Summary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short real runs of the load generator against a real etcd process. */
class LoadAgainstEtcdIT {
    @TempDir
    static Path directory;
    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = new EtcdProcess(directory);
    }

    @AfterAll
    static void stopEtcd() throws InterruptedException {
        etcd.close();
    }

    /** Runs the benchmark against {@code endpoint} with --json and returns its report. */
    private static Report runAgainst(String endpoint, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--endpoints", endpoint, "--json"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Benchmark.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        assertThat(exitCode).as("exit code; stderr: %s", err).isZero();
        return Report.fromJson(out.toString());
    }

    private static Report run(String... args) throws IOException {
        return runAgainst(etcd.endpoint(), args);
    }

    private static long revision() {
        return etcd.kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("x"))
                .build()).getHeader().getRevision();
    }

    private static void assertAllSucceeded(Summary summary, long requestCount) {
        assertThat(summary.errorCounts()).isEmpty();
        assertThat(summary.requestCount()).isEqualTo(requestCount);
        assertThat(summary.requestsPerSecond()).isPositive();
        assertThat(summary.percentileSeconds(50)).isPositive();
    }

    @Test
    void putWritesEachRequestToTheKeySpace() throws IOException {
        long revisionBefore = revision();

        Report report = run("--conns", "2", "--clients", "4", "put", "--total", "200",
                "--key-space-size", "10", "--sequential-keys", "--val-size", "16",
                "--prefix", "it-put/");

        assertAllSucceeded(report.primarySummary(), 200);
        assertThat(revision() - revisionBefore).isEqualTo(200);
        long keyCount = etcd.kv().range(RangeRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8("it-put/"))
                .setRangeEnd(ByteString.copyFromUtf8("it-put0"))
                .setCountOnly(true)
                .build()).getCount();
        assertThat(keyCount).isEqualTo(10);
    }

    /** The warm-up's requests are not in the report: it counts exactly --total. */
    @Test
    void rangeRunsLinearizableAndSerializable() throws IOException {
        etcd.kv().put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("it-range"))
                .setValue(ByteString.copyFromUtf8("v")).build());

        for (String consistency : List.of("l", "s")) {
            Report report = run("--clients", "3", "range", "it-range", "--total", "60",
                    "--consistency", consistency, "--warmup", "300ms");

            assertAllSucceeded(report.primarySummary(), 60);
            assertThat(report.options()).containsEntry("consistency",
                    consistency.equals("l") ? "LINEARIZABLE" : "SERIALIZABLE");
        }
    }

    @Test
    void transactionsWatchesAndKeepalivesRunAgainstEtcd() throws IOException {
        long revisionBefore = revision();
        assertAllSucceeded(run("--clients", "2", "txn-put", "--total", "20", "--txn-ops", "3",
                "--key-space-size", "30").primarySummary(), 20);
        assertThat(revision() - revisionBefore).isEqualTo(20);

        Report mixed = run("--clients", "2", "txn-mixed", "--total", "40", "--rw-ratio", "1");
        assertThat(mixed.summaries()).extracting(Summary::name)
                .containsExactly("txn-mixed-read", "txn-mixed-write");
        assertThat(mixed.summaries().stream().mapToLong(Summary::requestCount).sum())
                .isEqualTo(40);
        assertThat(mixed.summaries()).allMatch(s -> s.errorCount() == 0);

        // Six watchers over two keys: each put reaches three of them.
        Report watch = run("--clients", "2", "watch", "--streams", "2", "--watch-per-stream", "3",
                "--watched-key-total", "2", "--put-total", "10", "--key-space-size", "100",
                "--sequential-keys");
        assertThat(watch.summaries()).extracting(Summary::name)
                .containsExactly("watch-create", "watch-put", "watch-events");
        assertAllSucceeded(watch.summaries().get(0), 6);
        assertAllSucceeded(watch.primarySummary(), 30);

        Report latency = run("watch-latency", "--streams", "2", "--watchers-per-stream", "2",
                "--put-total", "15", "--put-rate", "0");
        assertAllSucceeded(latency.summaries().get(0), 15);
        assertAllSucceeded(latency.primarySummary(), 60);

        assertAllSucceeded(run("--clients", "3", "lease-keepalive", "--total", "30")
                .primarySummary(), 30);
    }

    @Test
    void anUnreachableEndpointCountsErrorsInsteadOfHanging() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Summary summary = runAgainst("127.0.0.1:" + closedPort, "range", "foo", "--total", "5")
                .primarySummary();

        assertThat(summary.requestCount()).isZero();
        assertThat(summary.errorCount()).isEqualTo(5);
        assertThat(summary.errorCounts().keySet()).allMatch(m -> m.contains("UNAVAILABLE"));
    }
}
