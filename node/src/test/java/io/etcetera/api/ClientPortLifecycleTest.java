package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.config.EtcdConfig;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Starting and stopping the client port: several URLs, a taken port, and nothing left behind. */
class ClientPortLifecycleTest {

    private static ClientPort port(String... flags) {
        return new ClientPort(
                EtcdConfig.of(flags),
                List.of(new FixedStatusMaintenance().bindService()),
                TestPorts.HEALTHY,
                () -> "");
    }

    @Test
    void everyClientUrlGetsItsOwnListener() throws Exception {
        try (ClientPort port =
                port(
                        "--listen-client-urls",
                        "http://127.0.0.1:0,http://127.0.0.2:0",
                        "--advertise-client-urls",
                        "http://127.0.0.1:2379")) {
            port.start();
            assertThat(port.clientAddresses()).hasSize(2);
            for (InetSocketAddress address : port.clientAddresses()) {
                String endpoint = address.getAddress().getHostAddress() + ":" + address.getPort();
                Etcdctl.Result status = Etcdctl.run(endpoint, "endpoint", "status");
                assertThat(status.exitStatus()).as(endpoint + " " + status.stderr()).isZero();
            }
        }
    }

    @Test
    void aTakenPortIsRefusedNamingTheAddressAndReleasesWhatWasBound() throws Exception {
        try (ServerSocket taken =
                new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            String url = "http://127.0.0.1:" + taken.getLocalPort();
            ClientPort port =
                    port(
                            "--listen-client-urls",
                            "http://127.0.0.2:0," + url,
                            "--advertise-client-urls",
                            url);
            assertThatThrownBy(port::start)
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("listen tcp 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .hasMessageContaining("in use");
        }
        assertThat(etceteraThreads()).isEmpty();
    }

    @Test
    void closeEndsKeepAliveConnectionsFreesThePortAndStopsItsThreads() throws Exception {
        ClientPort port =
                port(
                        "--listen-client-urls",
                        "http://127.0.0.1:0",
                        "--advertise-client-urls",
                        "http://127.0.0.1:2379");
        port.start();
        InetSocketAddress address = port.clientAddresses().get(0);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> version =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + address.getPort()
                                                        + "/version"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(version.statusCode())
                .isEqualTo(200); // the client now holds a keep-alive connection
        assertThat(etceteraThreads()).isNotEmpty();

        port.close();

        assertThat(etceteraThreads()).isEmpty();
        assertThatThrownBy(() -> new Socket("127.0.0.1", address.getPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    private static List<String> etceteraThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("etcetera-"))
                .toList();
    }
}
