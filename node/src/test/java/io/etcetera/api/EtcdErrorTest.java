package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.config.EtcdConfig;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The error catalog against real etcd: the same etcdctl command, refused by real etcd 3.4 and by
 * our port (whose test KV runs the real request checks), must print the same gRPC code and message
 * and exit the same way.
 */
class EtcdErrorTest {

    /** The "error" field of clientv3's retry warning: {@code rpc error: code = X desc = Y}. */
    private static final Pattern GRPC_ERROR =
            Pattern.compile("\"error\":\"(rpc error: code = [^\"]+)\"");

    private static RealEtcd etcd;
    private static ClientPort port;

    /** etcdctl commands that etcd refuses, with what each sends on standard input. */
    enum Refusal {
        TOO_MANY_TXN_OPS(
                txn(IntStream.rangeClosed(1, 129).mapToObj(i -> "put k" + i + " v").toList()),
                "txn"),
        REQUEST_TOO_LARGE("a".repeat(1_700_000), "put", "big"),
        DUPLICATE_KEY_IN_TXN(txn(List.of("put a 1", "put a 2")), "txn"),
        PUT_INSIDE_DELETED_RANGE(txn(List.of("del a c", "put b 1")), "txn"),
        KEY_NOT_PROVIDED("", "get", "");

        final String input;
        final List<String> arguments;

        Refusal(String input, String... arguments) {
            this.input = input;
            this.arguments = List.of(arguments);
        }

        /** etcdctl's txn script: no compares, these operations on success, none on failure. */
        private static String txn(List<String> success) {
            return "\n" + success.stream().collect(Collectors.joining("\n")) + "\n\n\n";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        etcd = RealEtcd.start();
        EtcdConfig defaults = EtcdConfig.of();
        port =
                TestPorts.started(
                        List.of(
                                new LimitCheckingKv(
                                        defaults.clientLimits().maxTxnOps(),
                                        defaults.clientLimits().maxRequestBytes())),
                        TestPorts.LOOPBACK);
    }

    @AfterAll
    static void stop() throws Exception {
        port.close();
        etcd.close();
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void etcdctlPrintsWhatRealEtcdMakesItPrint(Refusal refusal) throws Exception {
        String expected = refusalSeenBy(etcd.endpoint(), refusal);
        String actual = refusalSeenBy(TestPorts.bareEndpoint(port), refusal);
        assertThat(expected).contains("rpc error: code = ").contains("Error: etcdserver: ");
        assertThat(actual).isEqualTo(expected);
    }

    /** Exit status, the gRPC code and description clientv3 logged, and etcdctl's error line. */
    private static String refusalSeenBy(String endpoint, Refusal refusal) throws Exception {
        Etcdctl.Result result =
                Etcdctl.runWithInput(
                        endpoint,
                        refusal.input.getBytes(StandardCharsets.UTF_8),
                        refusal.arguments.toArray(String[]::new));
        StringBuilder seen = new StringBuilder("exit " + result.exitStatus() + "\n");
        Matcher grpcError = GRPC_ERROR.matcher(result.stderr());
        while (grpcError.find()) {
            seen.append(grpcError.group(1)).append('\n');
        }
        result.stderr()
                .lines()
                .filter(line -> line.startsWith("Error: "))
                .forEach(line -> seen.append(line).append('\n'));
        return seen.toString();
    }
}
