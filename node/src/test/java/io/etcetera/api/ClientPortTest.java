package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcetera.config.EtcdConfig;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The client port serves etcd's gRPC services and HTTP/1.1 on one TCP port, reached by real
 * clients: jetcd, the real etcdctl with both endpoint forms users type, and an HTTP client. The
 * services are test-only ({@link FixedStatusMaintenance}, {@link LimitCheckingKv}); what is under
 * test is the port.
 */
class ClientPortTest {

    private static PrometheusMeterRegistry registry;
    private static ClientPort port;
    private static InetSocketAddress client;
    private static InetSocketAddress metrics;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startPort() throws Exception {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("etcetera_test_requests_total").increment(3);
        EtcdConfig config =
                EtcdConfig.of(
                        "--listen-client-urls",
                        "http://127.0.0.1:0",
                        "--advertise-client-urls",
                        "http://127.0.0.1:2379",
                        "--listen-metrics-urls",
                        "http://127.0.0.1:0");
        HealthChecks health =
                new HealthChecks(
                        (excludedAlarms, serializable) ->
                                CompletableFuture.completedFuture(
                                        excludedAlarms.contains("NOSPACE") || serializable),
                        List.of(
                                new HealthCheck(
                                        "serializable_read",
                                        () -> CompletableFuture.completedFuture(null))),
                        List.of(
                                new HealthCheck(
                                        "serializable_read",
                                        () -> CompletableFuture.completedFuture(null)),
                                new HealthCheck(
                                        "linearizable_read",
                                        () ->
                                                CompletableFuture.failedFuture(
                                                        new IllegalStateException(
                                                                "etcdserver: no leader")))));
        port =
                new ClientPort(
                        config,
                        List.of(
                                new FixedStatusMaintenance().bindService(),
                                new LimitCheckingKv(128, 1_572_864).bindService()),
                        health,
                        registry::scrape);
        port.start();
        client = port.clientAddresses().get(0);
        metrics = port.metricsAddresses().get(0);
    }

    @AfterAll
    static void stopPort() {
        port.close();
    }

    private static String bare(InetSocketAddress address) {
        return "127.0.0.1:" + address.getPort();
    }

    private static HttpResponse<String> get(InetSocketAddress address, String path)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://" + bare(address) + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jetcdReadsStatusOverGrpc() throws Exception {
        String endpoint = "http://" + bare(client);
        try (Client jetcd = Client.builder().endpoints(endpoint).build()) {
            StatusResponse status =
                    jetcd.getMaintenanceClient().statusMember(endpoint).get(10, TimeUnit.SECONDS);
            assertThat(status.getVersion()).isEqualTo("3.4.23");
            assertThat(status.getLeader()).isEqualTo(FixedStatusMaintenance.MEMBER_ID);
            assertThat(status.getRaftIndex()).isEqualTo(FixedStatusMaintenance.RAFT_INDEX);
            assertThat(status.getDbSize()).isEqualTo(FixedStatusMaintenance.DB_SIZE_BYTES);
            assertThat(status.getHeader().getClusterId())
                    .isEqualTo(FixedStatusMaintenance.CLUSTER_ID);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "http://"})
    void etcdctlEndpointStatusWorksWithBothEndpointForms(String scheme) throws Exception {
        Etcdctl.Result result =
                Etcdctl.run(scheme + bare(client), "endpoint", "status", "-w", "json");
        assertThat(result.stderr()).isEmpty();
        assertThat(result.exitStatus()).isZero();
        assertThat(result.stdout())
                .contains("\"version\":\"3.4.23\"")
                .contains("\"leader\":" + FixedStatusMaintenance.MEMBER_ID)
                .contains("\"raftIndex\":" + FixedStatusMaintenance.RAFT_INDEX)
                .contains("\"cluster_id\":" + FixedStatusMaintenance.CLUSTER_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "http://"})
    void etcdctlEndpointHealthWorksWithBothEndpointForms(String scheme) throws Exception {
        // etcdctl 3.4 checks health with a gRPC Range of the key "health", not over HTTP.
        Etcdctl.Result result = Etcdctl.run(scheme + bare(client), "endpoint", "health");
        assertThat(result.exitStatus()).isZero();
        assertThat(result.stdout() + result.stderr())
                .contains(scheme + bare(client) + " is healthy: successfully committed proposal");
    }

    @Test
    void versionIsEtcdJsonOnTheGrpcPort() throws Exception {
        HttpResponse<String> response = get(client, "/version");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body())
                .isEqualTo("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}");
    }

    @Test
    void metricsServesTheRegistryOnBothPorts() throws Exception {
        for (InetSocketAddress address : List.of(client, metrics)) {
            HttpResponse<String> response = get(address, "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.body()).contains("etcetera_test_requests_total 3.0");
        }
    }

    @Test
    void healthIsFalseWithAnAlarmUnlessTheAlarmIsExcluded() throws Exception {
        HttpResponse<String> unhealthy = get(client, "/health");
        assertThat(unhealthy.statusCode()).isEqualTo(503);
        assertThat(unhealthy.body()).isEqualTo("{\"health\":\"false\"}\n");
        HttpResponse<String> healthy = get(metrics, "/health?exclude=NOSPACE");
        assertThat(healthy.statusCode()).isEqualTo(200);
        assertThat(healthy.body()).isEqualTo("{\"health\":\"true\"}");
        assertThat(get(client, "/health?serializable=true").statusCode()).isEqualTo(200);
        assertThat(get(client, "/health?serializable=false").statusCode()).isEqualTo(503);
    }

    @Test
    void healthRefusesOtherMethodsAsEtcd() throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://" + bare(client) + "/health"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("GET");
        assertThat(response.body()).isEqualTo("Method Not Allowed\n");
    }

    @Test
    void livezAndReadyzReportTheirChecks() throws Exception {
        assertThat(get(client, "/livez").body()).isEqualTo("ok\n");
        assertThat(get(client, "/livez?verbose").body()).isEqualTo("[+]serializable_read ok\nok\n");
        HttpResponse<String> notReady = get(client, "/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body())
                .isEqualTo(
                        "[+]serializable_read ok\n"
                                + "[-]linearizable_read failed: etcdserver: no leader\n\n");
        assertThat(get(client, "/readyz?exclude=linearizable_read").statusCode()).isEqualTo(200);
        assertThat(get(client, "/readyz/serializable_read").body()).isEqualTo("ok\n");
        assertThat(get(client, "/readyz/linearizable_read").statusCode()).isEqualTo(503);
        assertThat(get(client, "/readyz/no_such_check").statusCode()).isEqualTo(404);
    }

    @Test
    void unknownPathsAreNotFoundAndTheMetricsPortHasNoVersion() throws Exception {
        HttpResponse<String> missing = get(client, "/v2/keys");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("404 page not found\n");
        assertThat(get(metrics, "/version").statusCode()).isEqualTo(404);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String metricsThenVersion =
                "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", client.getPort())) {
            socket.getOutputStream().write(metricsThenVersion.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> contentTypes = new ArrayList<>();
            for (String line = in.readLine();
                    line != null && contentTypes.size() < 2;
                    line = in.readLine()) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    contentTypes.add(line.substring("content-type:".length()).trim());
                }
            }
            assertThat(contentTypes)
                    .containsExactly(
                            "text/plain; version=0.0.4; charset=utf-8", "application/json");
        }
    }

    @Test
    void aPipelineDeeperThanTheMaximumIsCut() throws Exception {
        CountDownLatch scrapeMayFinish = new CountDownLatch(1);
        Supplier<String> slowScrape =
                () -> {
                    try {
                        scrapeMayFinish.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "";
                };
        try (ClientPort slow =
                new ClientPort(
                        EtcdConfig.of(TestPorts.LOOPBACK.toArray(String[]::new)),
                        List.of(),
                        TestPorts.HEALTHY,
                        slowScrape)) {
            slow.start();
            String tooDeep =
                    "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                            .repeat(HttpEndpoints.PIPELINED_REQUESTS_MAX + 1);
            try (Socket socket = new Socket("127.0.0.1", slow.clientAddresses().get(0).getPort())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(tooDeep.getBytes(StandardCharsets.US_ASCII));
                assertThat(socket.getInputStream().read())
                        .as("closed without an answer while all are pending")
                        .isEqualTo(-1);
            } finally {
                scrapeMayFinish.countDown();
            }
        }
    }
}
