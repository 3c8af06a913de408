package io.etcetera.api;

import io.etcetera.config.Versions;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The HTTP/1.1 endpoints beside gRPC on a client URL, and alone on a metrics URL: {@code /version},
 * {@code /metrics}, {@code /health} (etcd 3.4's JSON), {@code /livez} and {@code /readyz} (etcd
 * 3.6's text checks, with {@code ?verbose}, {@code ?exclude=} and {@code /livez/<check>}). Status
 * codes, bodies and content types are etcd's, including Go's {@code http.Error} form ({@code
 * text/plain}, {@code nosniff}, a trailing newline) for errors.
 *
 * <p>Thread: runs on a connection's I/O thread and never blocks it: health checks complete
 * asynchronously, and {@code /metrics} renders on the scrape executor. Responses may complete on
 * any thread; a per-connection chain writes them in request order, as HTTP/1.1 pipelining requires.
 * Shared by all connections of a port; its own state is immutable.
 */
@Sharable
final class HttpEndpoints extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** An HTTP/1 keep-alive connection idle this long is closed. */
    static final int IDLE_SECONDS_MAX = 120;

    /** The largest HTTP/1 request accepted; the endpoints take no request bodies. */
    static final int REQUEST_BYTES_MAX = 64 * 1024;

    /**
     * Requests one connection may have waiting for answers: those a client pipelined into one read.
     */
    static final int PIPELINED_REQUESTS_MAX = 16;

    /** A health check that has not answered by then counts as failed. */
    static final long HEALTH_TIMEOUT_SECONDS = 5;

    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String VERSION_JSON =
            "{\"etcdserver\":\""
                    + Versions.ETCD_SERVER
                    + "\",\"etcdcluster\":\""
                    + Versions.ETCD_CLUSTER
                    + "\"}";

    /** The last response of a connection; the next one is written after it. */
    private static final AttributeKey<CompletableFuture<Void>> LAST_RESPONSE =
            AttributeKey.valueOf(HttpEndpoints.class, "lastResponse");

    /**
     * Requests of a connection not yet answered. Invariant: at most {@link
     * #PIPELINED_REQUESTS_MAX}; reading is paused while any is pending.
     */
    private static final AttributeKey<AtomicInteger> PENDING_RESPONSES =
            AttributeKey.valueOf(HttpEndpoints.class, "pendingResponses");

    private final boolean servesVersion;
    private final HealthChecks healthChecks;
    private final Supplier<String> metricsScrape;
    private final Executor scrapeExecutor;

    /**
     * @param servesVersion true on a client URL; etcd's metrics URLs do not serve /version
     * @param metricsScrape renders all meters in Prometheus text format
     * @param scrapeExecutor where rendering runs, off the I/O threads; it may reject when busy
     */
    HttpEndpoints(
            boolean servesVersion,
            HealthChecks healthChecks,
            Supplier<String> metricsScrape,
            Executor scrapeExecutor) {
        this.servesVersion = servesVersion;
        this.healthChecks = healthChecks;
        this.metricsScrape = metricsScrape;
        this.scrapeExecutor = scrapeExecutor;
    }

    /**
     * Adds the HTTP/1.1 handlers and {@code endpoints} to {@code pipeline} after the handler named
     * {@code after} (at the end when null): idle timeout, codec, keep-alive, request aggregation.
     */
    static void install(ChannelPipeline pipeline, String after, HttpEndpoints endpoints) {
        List<Map.Entry<String, ChannelHandler>> handlers =
                List.of(
                        Map.entry("http-idle", new IdleStateHandler(0, 0, IDLE_SECONDS_MAX)),
                        Map.entry("http-codec", new HttpServerCodec()),
                        Map.entry("http-keep-alive", new HttpServerKeepAliveHandler()),
                        Map.entry("http-aggregator", new HttpObjectAggregator(REQUEST_BYTES_MAX)),
                        Map.entry("http-endpoints", endpoints));
        String previous = after;
        for (Map.Entry<String, ChannelHandler> handler : handlers) {
            if (previous == null) {
                pipeline.addLast(handler.getKey(), handler.getValue());
            } else {
                pipeline.addAfter(previous, handler.getKey(), handler.getValue());
            }
            previous = handler.getKey();
        }
    }

    /** One response: status, content type, body and an optional {@code Allow} header. */
    private record Answer(
            HttpResponseStatus status, String contentType, String body, String allow) {

        static Answer ok(String contentType, String body) {
            return new Answer(HttpResponseStatus.OK, contentType, body, null);
        }

        /** Go's {@code http.Error}: plain text, {@code nosniff}, the message and a newline. */
        static Answer error(HttpResponseStatus status, String message) {
            return new Answer(status, TEXT_PLAIN, message + "\n", null);
        }

        static final Answer INTERNAL_ERROR =
                error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");

        static Answer methodNotAllowed() {
            return new Answer(
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    TEXT_PLAIN,
                    "Method Not Allowed\n",
                    "GET");
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        AtomicInteger pending = pendingResponses(ctx);
        if (pending.incrementAndGet() > PIPELINED_REQUESTS_MAX) {
            ctx.close(); // pipelining this deep without reading the answers: not a client we serve
            return;
        }
        // As Go's server: the connection's next request is read once this one is answered.
        ctx.channel().config().setAutoRead(false);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        CompletableFuture<Answer> answer =
                request.decoderResult().isSuccess()
                        ? route(
                                new QueryStringDecoder(request.uri()),
                                request.method().equals(HttpMethod.GET))
                        : CompletableFuture.completedFuture(
                                Answer.error(HttpResponseStatus.BAD_REQUEST, "400 Bad Request"));
        CompletableFuture<Void> previous = ctx.channel().attr(LAST_RESPONSE).get();
        CompletableFuture<Answer> inOrder =
                previous == null ? answer : previous.thenCombine(answer, (ignored, next) -> next);
        CompletableFuture<Void> written =
                inOrder.handle((next, failure) -> failure == null ? next : Answer.INTERNAL_ERROR)
                        .thenAccept(next -> write(ctx, response(next, keepAlive), pending));
        ctx.channel().attr(LAST_RESPONSE).set(written);
    }

    /** Writes one answer; the last pending answer lets the connection read again. */
    private static void write(
            ChannelHandlerContext ctx, FullHttpResponse response, AtomicInteger pending) {
        if (!ctx.channel().isActive()) {
            response.release(); // closed meanwhile, perhaps by a stop: nobody to answer
            return;
        }
        ctx.writeAndFlush(response)
                .addListener(
                        written -> {
                            if (pending.decrementAndGet() == 0) {
                                ctx.channel().config().setAutoRead(true);
                            }
                        });
    }

    private static AtomicInteger pendingResponses(ChannelHandlerContext ctx) {
        AtomicInteger pending = ctx.channel().attr(PENDING_RESPONSES).get();
        if (pending == null) {
            pending = new AtomicInteger();
            ctx.channel().attr(PENDING_RESPONSES).set(pending);
        }
        return pending;
    }

    private CompletableFuture<Answer> route(QueryStringDecoder uri, boolean get) {
        String path = uri.path();
        if (path.equals("/metrics")) {
            return metrics();
        }
        if (path.equals("/version") && servesVersion) {
            return CompletableFuture.completedFuture(
                    get ? Answer.ok("application/json", VERSION_JSON) : Answer.methodNotAllowed());
        }
        if (!get
                && (path.equals("/health")
                        || isChecksPath(path, "/livez")
                        || isChecksPath(path, "/readyz"))) {
            return CompletableFuture.completedFuture(Answer.methodNotAllowed());
        }
        if (path.equals("/health")) {
            return health(uri.parameters());
        }
        if (isChecksPath(path, "/livez")) {
            return checks(healthChecks.livez(), "/livez", uri);
        }
        if (isChecksPath(path, "/readyz")) {
            return checks(healthChecks.readyz(), "/readyz", uri);
        }
        return CompletableFuture.completedFuture(
                Answer.error(HttpResponseStatus.NOT_FOUND, "404 page not found"));
    }

    private static boolean isChecksPath(String path, String root) {
        return path.equals(root) || path.startsWith(root + "/");
    }

    private CompletableFuture<Answer> metrics() {
        try {
            return CompletableFuture.supplyAsync(
                    () -> Answer.ok(PROMETHEUS_TEXT, metricsScrape.get()), scrapeExecutor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(
                    Answer.error(
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "metrics are being rendered for other scrapes; retry"));
        }
    }

    /**
     * etcd's {@code /health} with 3.4's body: {@code {"health":"true"}}, or 503 with {@code
     * "false"}; {@code ?exclude=ALARM} ignores that alarm, {@code ?serializable=true} asks for a
     * local read instead of a linearizable one (etcd 3.5).
     */
    private CompletableFuture<Answer> health(Map<String, List<String>> parameters) {
        Set<String> excludedAlarms = new HashSet<>(parameters.getOrDefault("exclude", List.of()));
        boolean serializable =
                parameters.getOrDefault("serializable", List.of()).contains("true");
        return healthChecks
                .health()
                .apply(excludedAlarms, serializable)
                .toCompletableFuture()
                .orTimeout(HEALTH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .handle(
                        (healthy, failure) ->
                                failure == null && Boolean.TRUE.equals(healthy)
                                        ? Answer.ok(TEXT_PLAIN, "{\"health\":\"true\"}")
                                        : Answer.error(
                                                HttpResponseStatus.SERVICE_UNAVAILABLE,
                                                "{\"health\":\"false\"}"));
    }

    /**
     * etcd 3.6's {@code /livez} and {@code /readyz}: runs the checks (all but {@code ?exclude=}
     * ones at the root, one at {@code /root/<check>}); 200 {@code ok} when all pass, else 503
     * listing each as {@code [+]name ok} or {@code [-]name failed: reason}.
     */
    private CompletableFuture<Answer> checks(
            List<HealthCheck> registered, String root, QueryStringDecoder uri) {
        String path = uri.path();
        Set<String> excluded = new HashSet<>(uri.parameters().getOrDefault("exclude", List.of()));
        List<HealthCheck> selected =
                path.equals(root)
                        ? registered.stream()
                                .filter(check -> !excluded.contains(check.name()))
                                .toList()
                        : registered.stream()
                                .filter(check -> path.equals(root + "/" + check.name()))
                                .toList();
        if (selected.isEmpty() && !path.equals(root)) {
            return CompletableFuture.completedFuture(
                    Answer.error(HttpResponseStatus.NOT_FOUND, "404 page not found"));
        }
        List<CompletableFuture<String>> lines =
                selected.stream().map(HttpEndpoints::runCheck).toList();
        boolean verbose = uri.parameters().containsKey("verbose");
        return CompletableFuture.allOf(lines.toArray(CompletableFuture[]::new))
                .thenApply(
                        ignored -> {
                            StringBuilder reason = new StringBuilder();
                            boolean failed = false;
                            for (CompletableFuture<String> line : lines) {
                                String text = line.join();
                                failed |= text.startsWith("[-]");
                                reason.append(text);
                            }
                            if (failed) {
                                return Answer.error(
                                        HttpResponseStatus.SERVICE_UNAVAILABLE, reason.toString());
                            }
                            return Answer.ok(TEXT_PLAIN, (verbose ? reason : "") + "ok\n");
                        });
    }

    private static CompletableFuture<String> runCheck(HealthCheck check) {
        CompletableFuture<Void> run;
        try {
            run = check.run().get().toCompletableFuture();
        } catch (RuntimeException e) {
            run = CompletableFuture.failedFuture(e);
        }
        return run.orTimeout(HEALTH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .handle(
                        (ok, failure) ->
                                failure == null
                                        ? "[+]" + check.name() + " ok\n"
                                        : "[-]"
                                                + check.name()
                                                + " failed: "
                                                + reason(failure)
                                                + "\n");
    }

    private static String reason(Throwable failure) {
        Throwable cause =
                failure instanceof java.util.concurrent.CompletionException
                                && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return "timed out after " + HEALTH_TIMEOUT_SECONDS + "s";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static FullHttpResponse response(Answer answer, boolean keepAlive) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, answer.status(), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (answer.status().code() >= 400) {
            response.headers().set("X-Content-Type-Options", "nosniff");
        }
        if (answer.allow() != null) {
            response.headers().set(HttpHeaderNames.ALLOW, answer.allow());
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close(); // an idle keep-alive connection holds a socket for nothing
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a malformed request or a reset connection: nothing to answer
    }
}
