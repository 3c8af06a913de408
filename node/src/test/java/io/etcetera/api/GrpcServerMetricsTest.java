package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcetera.metrics.EtcdRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** go-grpc-prometheus's metrics for calls through a real client port, with Go's code names. */
class GrpcServerMetricsTest {

    private static Counter counter(String name, String method, String... extraTags) {
        var search = EtcdRegistry.REGISTRY.find(name).tag("grpc_service", "etcdserverpb.KV")
                .tag("grpc_method", method).tag("grpc_type", "unary");
        for (int i = 0; i < extraTags.length; i += 2) {
            search = search.tag(extraTags[i], extraTags[i + 1]);
        }
        return search.counter();
    }

    @Test
    void callsAreCountedByMethodAndGoCodeFromTheStart() throws Exception {
        try (ClientPort port = TestPorts.started(List.of(new LimitCheckingKv(128, 1 << 20)),
                TestPorts.LOOPBACK)) {
            // Registered before any call, with every code, as etcd does.
            Counter ok = counter("grpc_server_handled_total", "Put", "grpc_code", "OK");
            Counter invalid = counter("grpc_server_handled_total", "Put", "grpc_code",
                    "InvalidArgument");
            assertThat(counter("grpc_server_handled_total", "Compact", "grpc_code",
                    "DeadlineExceeded")).isNotNull();
            assertThat(counter("grpc_server_handled_total", "Range", "grpc_code", "Canceled"))
                    .isNotNull();
            double okBefore = ok.count();
            double invalidBefore = invalid.count();
            double startedBefore = counter("grpc_server_started_total", "Put").count();
            double receivedBefore = counter("grpc_server_msg_received_total", "Put").count();
            double sentBefore = counter("grpc_server_msg_sent_total", "Put").count();
            Timer handling = EtcdRegistry.REGISTRY.find("grpc_server_handling_seconds")
                    .tag("grpc_method", "Put").timer();
            long handledBefore = handling.count();
            String endpoint = "http://127.0.0.1:" + port.clientAddresses().get(0).getPort();
            try (Client client = Client.builder().endpoints(endpoint).build()) {
                client.getKVClient().put(bytes("k"), bytes("v")).get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> client.getKVClient().put(bytes(""), bytes("v"))
                        .get(10, TimeUnit.SECONDS)).hasMessageContaining("key is not provided");
            }
            assertThat(ok.count()).isEqualTo(okBefore + 1);
            assertThat(invalid.count()).isEqualTo(invalidBefore + 1);
            assertThat(counter("grpc_server_started_total", "Put").count())
                    .isEqualTo(startedBefore + 2);
            assertThat(counter("grpc_server_msg_received_total", "Put").count())
                    .isEqualTo(receivedBefore + 2);
            assertThat(counter("grpc_server_msg_sent_total", "Put").count())
                    .isEqualTo(sentBefore + 1);
            assertThat(handling.count()).isEqualTo(handledBefore + 2);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
