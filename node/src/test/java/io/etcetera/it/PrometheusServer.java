package io.etcetera.it;

import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (Debian's {@code prometheus}) in its own process on a free loopback port, with
 * its data under {@code target/}, scraping the given targets every second as job {@code etcd} and
 * evaluating a rule file every second. Tests ask it questions through its HTTP API. Owned by one
 * test class.
 */
final class PrometheusServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final String url;
    private final Path log;

    private PrometheusServer(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** Starts Prometheus scraping {@code targets} ({@code host:port}), evaluating {@code rules}. */
    static PrometheusServer start(Path dir, List<String> targets, String rules)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rules.yaml"), rules);
        String config = """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: etcd
                    static_configs:
                      - targets: [%s]
                """.formatted(dir.resolve("rules.yaml").toAbsolutePath(),
                targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", ")));
        Files.writeString(dir.resolve("prometheus.yaml"), config);
        int port = MemberProcess.freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder("prometheus",
                "--config.file=" + dir.resolve("prometheus.yaml").toAbsolutePath(),
                "--storage.tsdb.path=" + dir.resolve("data").toAbsolutePath(),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, "http://127.0.0.1:" + port, log);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("prometheus exited; see " + log);
                    }
                    return server.get("/-/ready").statusCode() == 200;
                });
        return server;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The API's answer to an instant query: its {@code data}; fails on an error status. */
    JsonObject query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
        if (!body.get("status").getAsString().equals("success")) {
            throw new IllegalStateException(promql + ": " + response.body());
        }
        return body.getAsJsonObject("data");
    }

    /**
     * The single value of a vector query, or NaN when the vector is empty.
     *
     * @throws IllegalStateException when the result holds several series
     */
    double value(String promql) throws IOException, InterruptedException {
        var result = query(promql).getAsJsonArray("result");
        if (result.isEmpty()) {
            return Double.NaN;
        }
        if (result.size() > 1) {
            throw new IllegalStateException(promql + " has " + result.size() + " series");
        }
        JsonElement value = result.get(0).getAsJsonObject().getAsJsonArray("value").get(1);
        return Double.parseDouble(value.getAsString());
    }

    /** The rule groups as {@code /api/v1/rules} reports them. */
    JsonObject rules() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/rules");
        return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("data");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public String toString() {
        return "prometheus at " + url + " (log " + log + ")";
    }
}
