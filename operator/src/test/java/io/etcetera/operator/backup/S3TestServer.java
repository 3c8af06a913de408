package io.etcetera.operator.backup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal S3-compatible server for tests (no real one can run on this machine): path-style
 * PUT, GET and DELETE of objects kept in memory (also used by e2e, whose restore init container
 * fetches with curl's {@code --aws-sigv4}). It rejects a request whose Signature V4 does not
 * verify with its one credential (403) and a body whose SHA-256 differs from the signed
 * {@code x-amz-content-sha256} (400), as S3 does. Signatures are recomputed with {@link SigV4},
 * itself checked against AWS's published example in {@link SigV4Test}.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Objects by path ({@code /bucket/key}). */
    public final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final HttpServer server;

    public S3TestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String payloadHash = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
            String date = exchange.getRequestHeaders().getFirst("x-amz-date");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (payloadHash == null || date == null || authorization == null) {
                reply(exchange, 403, "AccessDenied: unsigned");
                return;
            }
            var signer = new SigV4(ACCESS_KEY, SECRET_KEY, "us-east-1");
            Map<String, String> expected = signer.sign(exchange.getRequestMethod(), path,
                    signedHeaders(exchange, authorization), payloadHash,
                    Instant.from(AMZ_DATE.parse(date)));
            // AWS accepts the Authorization parts separated by "," or ", " (curl uses the latter).
            if (!authorization.replace(", ", ",").equals(expected.get("authorization"))) {
                reply(exchange, 403, "SignatureDoesNotMatch");
                return;
            }
            if (!payloadHash.equals(SigV4.hex(SigV4.sha256(body)))) {
                reply(exchange, 400, "XAmzContentSHA256Mismatch");
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "PUT" -> {
                    objects.put(path, body);
                    reply(exchange, 200, "");
                }
                case "GET" -> {
                    byte[] object = objects.get(path);
                    if (object == null) {
                        reply(exchange, 404, "NoSuchKey");
                    } else {
                        exchange.sendResponseHeaders(200, object.length);
                        exchange.getResponseBody().write(object);
                    }
                }
                case "DELETE" -> {
                    objects.remove(path);
                    reply(exchange, 204, null);
                }
                default -> reply(exchange, 405, "MethodNotAllowed");
            }
        }
    }

    /** The request's signed headers other than the x-amz ones the signer adds itself. */
    private static Map<String, String> signedHeaders(HttpExchange exchange, String authorization) {
        String list = authorization.replaceAll(".*SignedHeaders=([^,]*).*", "$1");
        Map<String, String> headers = new TreeMap<>();
        for (String name : list.split(";")) {
            if (!name.startsWith("x-amz-")) {
                headers.put(name, exchange.getRequestHeaders().getFirst(name));
            }
        }
        return headers;
    }

    private static void reply(HttpExchange exchange, int code, String text) throws IOException {
        if (text == null) {
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
