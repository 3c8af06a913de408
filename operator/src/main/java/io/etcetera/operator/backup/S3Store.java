package io.etcetera.operator.backup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/**
 * Snapshot objects in an S3-compatible bucket, path-style ({@code <endpoint>/<bucket>/<key>}),
 * signed with {@link SigV4}. The stream is first written and verified in a local temporary file;
 * only a verified file is uploaded, with its SHA-256 as the signed payload hash.
 */
public final class S3Store implements SnapshotStore {

    private static final int HTTP_OK_MIN = 200;
    private static final int HTTP_OK_MAX = 299;
    private static final int HTTP_NOT_FOUND = 404;

    private final URI endpoint;
    private final String bucket;
    private final SigV4 signer;
    private final InstantSource clock;
    private final HttpClient http;

    public S3Store(URI endpoint, String bucket, SigV4 signer, InstantSource clock) {
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.signer = signer;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public StoredSnapshot write(String key, Source source) throws IOException {
        Path local = Files.createTempFile("etcd-snapshot-", ".db");
        try {
            var result = VolumeStore.writeSynced(local, source);
            var request = signed("PUT", key, result.sha256())
                    .PUT(HttpRequest.BodyPublishers.ofFile(local)).build();
            HttpResponse<String> response = send(request);
            if (response.statusCode() < HTTP_OK_MIN || response.statusCode() > HTTP_OK_MAX) {
                throw new IOException("PUT s3://" + bucket + "/" + key + " at " + endpoint
                        + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return new StoredSnapshot(result, "s3://" + bucket + "/" + key);
        } finally {
            Files.deleteIfExists(local);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        var request = signed("DELETE", key, SigV4.EMPTY_PAYLOAD_SHA256).DELETE().build();
        HttpResponse<String> response = send(request);
        int code = response.statusCode();
        if ((code < HTTP_OK_MIN || code > HTTP_OK_MAX) && code != HTTP_NOT_FOUND) {
            throw new IOException("DELETE s3://" + bucket + "/" + key + ": HTTP " + code);
        }
    }

    private HttpRequest.Builder signed(String method, String key, String payloadSha256) {
        String path = SigV4.encodePath("/" + bucket + "/" + key);
        String host = endpoint.getPort() == -1 ? endpoint.getHost()
                : endpoint.getHost() + ":" + endpoint.getPort();
        Map<String, String> headers = signer.sign(method, path, Map.of("host", host),
                payloadSha256, clock.instant());
        var builder = HttpRequest.newBuilder(URI.create(endpoint.getScheme() + "://" + host + path))
                .timeout(Duration.ofMinutes(10));
        // The client sets Host itself, to the same host:port that was signed.
        headers.forEach((name, value) -> {
            if (!name.equals("host")) {
                builder.header(name, value);
            }
        });
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + request.method() + " " + request.uri(), e);
        }
    }
}
