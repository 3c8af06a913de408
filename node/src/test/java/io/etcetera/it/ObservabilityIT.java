package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcetera.api.RealEtcd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Observability of a member process, end to end: its {@code /metrics} on the client and the
 * metrics URL carry etcd's names, types, labels and buckets (compared with a real etcd 3.4 run
 * beside it), its health endpoints answer as etcd's, its {@code --logger=zap} log is etcd's JSON,
 * and a real Prometheus scraping it answers the questions of issue 7 and evaluates the alert rules
 * and dashboard of {@code manifests/monitoring} without error.
 *
 * <p>{@link #MEMBERS} members, started together as one cluster, as the issue asks.
 */
class ObservabilityIT {

    /** Members Prometheus scrapes. */
    static final int MEMBERS = 3;

    static final Path MONITORING = Path.of("..", "manifests", "monitoring");

    /** The metrics issue 7 lists, with etcd 3.4's types. */
    static final Map<String, String> ISSUE_METRICS = new TreeMap<>(Map.ofEntries(
            Map.entry("etcd_server_has_leader", "gauge"),
            Map.entry("etcd_server_is_leader", "gauge"),
            Map.entry("etcd_server_leader_changes_seen_total", "counter"),
            Map.entry("etcd_server_proposals_committed_total", "gauge"),
            Map.entry("etcd_server_proposals_applied_total", "gauge"),
            Map.entry("etcd_server_proposals_pending", "gauge"),
            Map.entry("etcd_server_proposals_failed_total", "counter"),
            Map.entry("etcd_server_heartbeat_send_failures_total", "counter"),
            Map.entry("etcd_server_slow_apply_total", "counter"),
            Map.entry("etcd_server_slow_read_indexes_total", "counter"),
            Map.entry("etcd_server_quota_backend_bytes", "gauge"),
            Map.entry("etcd_server_id", "gauge"),
            Map.entry("etcd_server_version", "gauge"),
            Map.entry("etcd_server_is_learner", "gauge"),
            Map.entry("etcd_disk_wal_fsync_duration_seconds", "histogram"),
            Map.entry("etcd_disk_wal_write_bytes_total", "gauge"),
            Map.entry("etcd_disk_backend_commit_duration_seconds", "histogram"),
            Map.entry("etcd_disk_backend_defrag_duration_seconds", "histogram"),
            Map.entry("etcd_disk_backend_snapshot_duration_seconds", "histogram"),
            Map.entry("etcd_mvcc_db_total_size_in_bytes", "gauge"),
            Map.entry("etcd_mvcc_db_total_size_in_use_in_bytes", "gauge"),
            Map.entry("etcd_mvcc_put_total", "counter"),
            Map.entry("etcd_mvcc_range_total", "counter"),
            Map.entry("etcd_mvcc_delete_total", "counter"),
            Map.entry("etcd_mvcc_txn_total", "counter"),
            Map.entry("etcd_debugging_mvcc_keys_total", "gauge"),
            Map.entry("etcd_debugging_mvcc_watcher_total", "gauge"),
            Map.entry("etcd_debugging_mvcc_slow_watcher_total", "gauge"),
            Map.entry("etcd_debugging_mvcc_current_revision", "gauge"),
            Map.entry("etcd_debugging_mvcc_compact_revision", "gauge"),
            Map.entry("etcd_network_peer_round_trip_time_seconds", "histogram"),
            Map.entry("etcd_network_peer_sent_bytes_total", "counter"),
            Map.entry("etcd_network_peer_received_bytes_total", "counter"),
            Map.entry("etcd_network_peer_sent_failures_total", "counter"),
            Map.entry("etcd_network_active_peers", "gauge"),
            Map.entry("grpc_server_started_total", "counter"),
            Map.entry("grpc_server_handled_total", "counter"),
            Map.entry("grpc_server_handling_seconds", "histogram"),
            Map.entry("grpc_server_msg_received_total", "counter"),
            Map.entry("grpc_server_msg_sent_total", "counter"),
            Map.entry("process_resident_memory_bytes", "gauge"),
            Map.entry("os_fd_used", "gauge"),
            Map.entry("os_fd_limit", "gauge")));

    /** Per-peer series exist only with peers, as in etcd. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private static final List<MemberProcess> members = new ArrayList<>();
    private static final List<Integer> metricsPorts = new ArrayList<>();
    private static RealEtcd etcd;
    private static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "observability-");
        List<String> peerUrls = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            peerUrls.add("http://127.0.0.1:" + MemberProcess.freePort());
            metricsPorts.add(MemberProcess.freePort());
        }
        String initialCluster = String.join(",", java.util.stream.IntStream.range(0, MEMBERS)
                .mapToObj(i -> "m" + i + "=" + peerUrls.get(i)).toList());
        // Started side by side: each waits for its health, which needs a quorum of the others.
        List<CompletableFuture<MemberProcess>> starting = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            List<String> flags = List.of("--name", "m" + i,
                    "--listen-peer-urls", peerUrls.get(i),
                    "--initial-advertise-peer-urls", peerUrls.get(i),
                    "--initial-cluster", initialCluster,
                    "--listen-metrics-urls", "http://127.0.0.1:" + metricsPorts.get(i),
                    "--logger", "zap");
            Path memberDir = dir.resolve("member-" + i);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return MemberProcess.start(memberDir, flags);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        for (CompletableFuture<MemberProcess> member : starting) {
            members.add(member.join());
        }
        etcd = RealEtcd.start();
        prometheus = PrometheusServer.start(dir.resolve("prometheus"),
                metricsPorts.stream().map(port -> "127.0.0.1:" + port).toList(),
                prometheusRuleGroups());
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        for (MemberProcess member : members) {
            member.close();
        }
    }

    /** The {@code spec} of the PrometheusRule, de-indented: a plain Prometheus rule file. */
    static String prometheusRuleGroups() throws IOException {
        List<String> lines = Files.readAllLines(MONITORING.resolve("prometheus-rule.yaml"));
        int spec = lines.indexOf("spec:");
        assertThat(spec).as("prometheus-rule.yaml has a spec").isPositive();
        StringBuilder groups = new StringBuilder();
        for (String line : lines.subList(spec + 1, lines.size())) {
            assertThat(line.isEmpty() || line.startsWith("  ")).as(line).isTrue();
            groups.append(line.isEmpty() ? "" : line.substring(2)).append('\n');
        }
        return groups.toString();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static PrometheusText scrape(String baseUrl) throws Exception {
        HttpResponse<String> response = get(baseUrl + "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        return PrometheusText.parse(response.body());
    }

    private static String metricsUrl(int member) {
        return "http://127.0.0.1:" + metricsPorts.get(member);
    }

    @Test
    void theListedMetricsHaveEtcdsNamesAndTypes() throws Exception {
        PrometheusText ours = scrape(members.get(0).url());
        Map<String, String> missing = new TreeMap<>();
        ISSUE_METRICS.forEach((name, type) -> {
            String actual = ours.types().get(name);
            if (actual == null) {
                missing.put(name, type);
            } else {
                assertThat(actual).as("type of %s", name).isEqualTo(type);
            }
        });
        assertThat(missing).isEmpty();
        assertThat(ours.samples("etcd_server_version").get(0).labels())
                .containsEntry("server_version", "3.4.23");
        assertThat(ours.samples("etcd_server_id").get(0).labels()).containsKey("server_id");
        assertThat(ours.samples("grpc_server_handled_total"))
                .anySatisfy(sample -> assertThat(sample.labels()).containsEntry("grpc_service",
                        "etcdserverpb.KV").containsEntry("grpc_method", "Range")
                        .containsEntry("grpc_type", "unary").containsEntry("grpc_code", "OK"));
        assertThat(ours.buckets("grpc_server_handling_seconds")).containsExactly(
                "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0",
                "10.0", "+Inf");
    }

    @Test
    void namesBothExportHaveEtcdsTypesLabelsAndBuckets() throws Exception {
        PrometheusText ours = scrape(members.get(0).url());
        PrometheusText theirs = scrape("http://" + etcd.endpoint());
        Set<String> shared = new HashSet<>(ours.types().keySet());
        shared.retainAll(theirs.types().keySet());
        assertThat(shared).as("names both export").hasSizeGreaterThan(40);
        for (String name : shared) {
            String type = theirs.types().get(name);
            assertThat(ours.types().get(name)).as("type of %s", name).isEqualTo(type);
            String sampleName = type.equals("histogram") ? name + "_bucket" : name;
            if (!ours.samples(sampleName).isEmpty() && !theirs.samples(sampleName).isEmpty()) {
                assertThat(ours.samples(sampleName).get(0).labels().keySet())
                        .as("labels of %s", name)
                        .isEqualTo(theirs.samples(sampleName).get(0).labels().keySet());
            }
            if (type.equals("histogram") && !theirs.buckets(name).isEmpty()) {
                assertThat(ours.buckets(name)).as("buckets of %s", name)
                        .isEqualTo(theirs.buckets(name));
            }
        }
    }

    @Test
    void theMetricsUrlServesMetricsAndHealthButNoVersion() throws Exception {
        PrometheusText client = scrape(members.get(0).url());
        PrometheusText metrics = scrape(metricsUrl(0));
        assertThat(metrics.types()).isEqualTo(client.types());
        assertThat(get(metricsUrl(0) + "/health").body()).isEqualTo("{\"health\":\"true\"}");
        assertThat(get(metricsUrl(0) + "/version").statusCode()).isEqualTo(404);
    }

    @Test
    void healthEndpointsAnswerAsEtcd() throws Exception {
        String url = members.get(0).url();
        assertThat(get(url + "/health").body()).isEqualTo("{\"health\":\"true\"}");
        assertThat(get(url + "/health?serializable=true").body())
                .isEqualTo("{\"health\":\"true\"}");
        assertThat(get(url + "/health?exclude=NOSPACE").statusCode()).isEqualTo(200);
        assertThat(get(url + "/livez").body()).isEqualTo("ok\n");
        assertThat(get(url + "/readyz?verbose").body()).isEqualTo("[+]data_corruption ok\n"
                + "[+]serializable_read ok\n[+]linearizable_read ok\nok\n");
        assertThat(get(url + "/readyz?verbose&exclude=linearizable_read").body())
                .isEqualTo("[+]data_corruption ok\n[+]serializable_read ok\nok\n");
        assertThat(get(url + "/readyz/linearizable_read").body()).isEqualTo("ok\n");
        assertThat(get(url + "/livez/serializable_read").body()).isEqualTo("ok\n");
        assertThat(get(url + "/readyz/no_such_check").statusCode()).isEqualTo(404);
    }

    @Test
    void theZapLogIsOneEtcdJsonObjectPerLine() throws Exception {
        List<String> lines = members.get(0).logText().lines().toList();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonObject event = JsonParser.parseString(line).getAsJsonObject();
            assertThat(event.keySet()).as(line).contains("level", "ts", "caller", "msg");
            assertThat(event.get("level").getAsString()).isIn("debug", "info", "warn", "error",
                    "fatal");
            assertThat(event.get("ts").getAsString())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(event.get("caller").getAsString()).matches("\\w+/\\w+\\.java:\\d+");
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("ready to serve client"));
    }

    @Test
    void prometheusSeesOneLeaderAndPutsGrowingUnderLoad() throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.value("sum(etcd_server_has_leader)") == MEMBERS);
        assertThat(prometheus.value("count(etcd_server_is_leader == 1)")).isEqualTo(1);
        assertThat(prometheus.value("sum(etcd_server_is_leader)")).isEqualTo(1);
        double before = prometheus.value("sum(etcd_mvcc_put_total)");
        int puts = 200;
        try (Client client = Client.builder().endpoints(members.get(0).url()).build()) {
            for (int i = 0; i < puts; i++) {
                client.getKVClient().put(bytes("load/" + i), bytes("v")).get(10,
                        TimeUnit.SECONDS);
            }
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.value("sum(etcd_mvcc_put_total)") >= before + puts);
        assertThat(prometheus.value("sum(increase(grpc_server_handled_total{grpc_method=\"Put\","
                + "grpc_code=\"OK\"}[1m]))")).isPositive();
        assertThat(prometheus.value("histogram_quantile(0.99, sum by (le) ("
                + "rate(etcd_disk_wal_fsync_duration_seconds_bucket[1m])))")).isPositive();
    }

    @Test
    void everyAlertRuleEvaluatesWithoutError() throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> rules().stream().noneMatch(
                        rule -> rule.get("health").getAsString().equals("unknown")));
        List<JsonObject> rules = rules();
        assertThat(rules).hasSize(15);
        for (JsonObject rule : rules) {
            assertThat(rule.get("health").getAsString()).as(rule.toString()).isEqualTo("ok");
            assertThat(rule.has("lastError")).as(rule.toString()).isFalse();
        }
        // With every member up, a leader and nothing slow, no alert fires. (Messages dropped while
        // members of a cluster start may make etcdMembersDown pending, never firing: it needs
        // ten minutes.)
        assertThat(rules).allSatisfy(rule -> assertThat(rule.get("state").getAsString())
                .as(rule.get("name").getAsString()).isIn(MEMBERS == 1 || !rule.get("name")
                        .getAsString().equals("etcdMembersDown")
                        ? List.of("inactive") : List.of("inactive", "pending")));
    }

    private static List<JsonObject> rules() throws Exception {
        List<JsonObject> rules = new ArrayList<>();
        for (JsonElement group : prometheus.rules().getAsJsonArray("groups")) {
            group.getAsJsonObject().getAsJsonArray("rules")
                    .forEach(rule -> rules.add(rule.getAsJsonObject()));
        }
        return rules;
    }

    @Test
    void everyDashboardQueryEvaluatesAndFindsData() throws Exception {
        JsonObject dashboard = JsonParser.parseString(
                Files.readString(MONITORING.resolve("grafana-dashboard.json"))).getAsJsonObject();
        // Rates need two scrapes in their window.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.value("min(count_over_time(up[1m]))") >= 3);
        List<String> empty = new ArrayList<>();
        for (JsonElement panel : dashboard.getAsJsonArray("panels")) {
            for (JsonElement target : panel.getAsJsonObject().getAsJsonArray("targets")) {
                String expr = target.getAsJsonObject().get("expr").getAsString()
                        .replace("$__rate_interval", "1m").replace("$job", "etcd")
                        .replace("$instance", ".*");
                JsonObject data = prometheus.query(expr); // throws on a bad expression
                if (data.getAsJsonArray("result").isEmpty()) {
                    empty.add(expr);
                }
            }
        }
        assertThat(empty).isEmpty();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
