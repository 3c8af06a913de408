package io.etcetera.api;

import io.etcetera.config.EtcdConfig;
import io.etcetera.config.EtcdUrl;
import io.etcetera.metrics.GrpcServerMetrics;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The member's client port: for each address of {@code --listen-client-urls}, one gRPC server that
 * also answers HTTP/1.1 ({@link ProtocolSniffer}, {@link HttpEndpoints}); and for each address of
 * {@code --listen-metrics-urls}, an HTTP/1.1 listener for {@code /metrics} and the health
 * endpoints.
 *
 * <p>gRPC is grpc-java's Netty transport with calls run directly on the I/O threads: a service must
 * never block, and hands work to the server's threads instead (see the package doc for why). Limits
 * are etcd's: a request may be {@code --max-request-bytes} plus 512 KiB of gRPC overhead, a
 * connection may have {@code --max-concurrent-streams} calls, and the keepalive policy follows the
 * {@code --grpc-keepalive-*} flags.
 *
 * <p>Lifecycle: made, started once, closed once (also after a failed start); {@link #close} joins
 * every thread the port started. Threads: one accept thread, {@code availableProcessors} I/O
 * threads shared by every listener, and one thread that renders {@code /metrics}. {@link #start}
 * and {@link #close} are called by one owner thread; the addresses may be read from any thread
 * after {@code start} returns.
 */
public final class ClientPort implements AutoCloseable {

    /** etcd's {@code grpcOverheadBytes}: room for gRPC framing beyond the largest request. */
    static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    /** How long a stop lets in-flight calls finish before cutting them. */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    /** Scrapes waiting for the metrics thread; more are answered 503. */
    static final int SCRAPES_QUEUED_MAX = 4;

    /** Every thread this port starts, so that {@link #close} can join them. */
    private final PortThreads threads = new PortThreads();

    private final EtcdConfig config;
    private final List<ServerServiceDefinition> services;
    /** grpc_server_* for every method of {@link #services}. */
    private final GrpcServerMetrics grpcMetrics;
    private final EventLoopGroup acceptGroup =
            new NioEventLoopGroup(1, threads.named("etcetera-client-accept"));
    private final EventLoopGroup ioGroup =
            new NioEventLoopGroup(
                    Runtime.getRuntime().availableProcessors(),
                    threads.named("etcetera-client-io"));
    private final ThreadPoolExecutor scrapeExecutor =
            new ThreadPoolExecutor(
                    1,
                    1,
                    0,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(SCRAPES_QUEUED_MAX),
                    threads.named("etcetera-metrics-scrape"));

    /** HTTP/1 connections on every listener, closed on stop. */
    private final ChannelGroup http1Channels =
            new DefaultChannelGroup("http1", GlobalEventExecutor.INSTANCE);

    private final HttpEndpoints clientEndpoints;
    private final HttpEndpoints metricsEndpoints;
    private final List<Server> grpcServers = new ArrayList<>();
    private final List<Channel> metricsChannels = new ArrayList<>();
    private final List<InetSocketAddress> clientAddresses = new ArrayList<>();
    private final List<InetSocketAddress> metricsAddresses = new ArrayList<>();

    /**
     * @param config the client and metrics URLs, client TLS and client limits
     * @param services the etcd gRPC services; each call runs on an I/O thread and must not block
     * @param healthChecks answers /health, /livez and /readyz
     * @param metricsScrape renders every meter in Prometheus text format for /metrics
     */
    public ClientPort(
            EtcdConfig config,
            List<ServerServiceDefinition> services,
            HealthChecks healthChecks,
            Supplier<String> metricsScrape) {
        this.config = config;
        this.services = List.copyOf(services);
        this.grpcMetrics = new GrpcServerMetrics(this.services);
        this.clientEndpoints = new HttpEndpoints(true, healthChecks, metricsScrape, scrapeExecutor);
        this.metricsEndpoints =
                new HttpEndpoints(false, healthChecks, metricsScrape, scrapeExecutor);
    }

    /**
     * Binds every client and metrics URL; on failure releases what it bound and names the address.
     */
    public void start() throws IOException {
        try {
            SslContext clientTls = needsTls() ? ServerTls.context(config.clientTls()) : null;
            for (List<EtcdUrl> urls : urlsByAddress(config.listenClientUrls()).values()) {
                startClientListener(urls, clientTls);
            }
            for (List<EtcdUrl> urls : urlsByAddress(config.listenMetricsUrls()).values()) {
                startMetricsListener(urls.get(0), urls.get(0).isTls() ? clientTls : null);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private boolean needsTls() {
        return config.listenClientUrls().stream().anyMatch(EtcdUrl::isTls)
                || config.listenMetricsUrls().stream().anyMatch(EtcdUrl::isTls);
    }

    /**
     * URLs grouped by {@code host:port}: etcd serves http and https URLs of one address on one
     * socket.
     */
    private static Map<String, List<EtcdUrl>> urlsByAddress(List<EtcdUrl> urls) {
        Map<String, List<EtcdUrl>> byAddress = new LinkedHashMap<>();
        urls.forEach(
                url ->
                        byAddress
                                .computeIfAbsent(url.hostPort(), address -> new ArrayList<>())
                                .add(url));
        return byAddress;
    }

    private void startClientListener(List<EtcdUrl> urls, SslContext tls) throws IOException {
        boolean plaintext = urls.stream().anyMatch(url -> !url.isTls());
        ClientListener listener =
                new ClientListener(
                        plaintext,
                        urls.stream().anyMatch(EtcdUrl::isTls) ? tls : null,
                        clientEndpoints,
                        http1Channels);
        var limits = config.clientLimits();
        NettyServerBuilder builder =
                NettyServerBuilder.forAddress(
                                urls.get(0).bindAddress(),
                                InternalNettyServerCredentials.create(listener))
                        .channelType(NioServerSocketChannel.class)
                        .bossEventLoopGroup(acceptGroup)
                        .workerEventLoopGroup(ioGroup)
                        .directExecutor()
                        .maxInboundMessageSize(
                                (int)
                                        Math.min(
                                                Integer.MAX_VALUE,
                                                limits.maxRequestBytes() + GRPC_OVERHEAD_BYTES))
                        .maxConcurrentCallsPerConnection(
                                (int) Math.min(Integer.MAX_VALUE, limits.maxConcurrentStreams()))
                        // The sniffer bounds the wait for a connection's first bytes; gRPC's own
                        // handshake
                        // timeout would also close HTTP/1 connections, which never finish a gRPC
                        // handshake.
                        .handshakeTimeout(Long.MAX_VALUE, TimeUnit.MILLISECONDS)
                        .permitKeepAliveWithoutCalls(false);
        if (!limits.grpcKeepAliveMinTime().isZero()
                && !limits.grpcKeepAliveMinTime().isNegative()) {
            builder.permitKeepAliveTime(
                    limits.grpcKeepAliveMinTime().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (isPositive(limits.grpcKeepAliveInterval())
                && isPositive(limits.grpcKeepAliveTimeout())) {
            builder.keepAliveTime(limits.grpcKeepAliveInterval().toNanos(), TimeUnit.NANOSECONDS)
                    .keepAliveTimeout(
                            limits.grpcKeepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        services.forEach(service -> builder.addService(
                ServerInterceptors.intercept(service, grpcMetrics)));
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException(
                    "listen tcp " + urls.get(0).hostPort() + ": " + rootMessage(e), e);
        }
        grpcServers.add(server);
        clientAddresses.add((InetSocketAddress) server.getListenSockets().get(0));
    }

    private void startMetricsListener(EtcdUrl url, SslContext tls) throws IOException {
        ServerBootstrap bootstrap =
                new ServerBootstrap()
                        .group(acceptGroup, ioGroup)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel channel) {
                                        if (tls != null) {
                                            channel.pipeline()
                                                    .addLast(
                                                            "tls", tls.newHandler(channel.alloc()));
                                        }
                                        HttpEndpoints.install(
                                                channel.pipeline(), null, metricsEndpoints);
                                        http1Channels.add(channel);
                                    }
                                });
        var bound = bootstrap.bind(url.bindAddress()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException(
                    "listen tcp " + url.hostPort() + ": " + rootMessage(bound.cause()),
                    bound.cause());
        }
        metricsChannels.add(bound.channel());
        metricsAddresses.add((InetSocketAddress) bound.channel().localAddress());
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isZero() && !duration.isNegative();
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    /** The bound client addresses, one per distinct {@code host:port}, in URL order. */
    public List<InetSocketAddress> clientAddresses() {
        return List.copyOf(clientAddresses);
    }

    /** The bound metrics addresses, in URL order. */
    public List<InetSocketAddress> metricsAddresses() {
        return List.copyOf(metricsAddresses);
    }

    /**
     * Stops accepting, closes HTTP/1 connections, lets gRPC calls finish for {@link #STOP_GRACE},
     * cuts the rest, and stops the threads. Idempotent.
     */
    @Override
    public void close() {
        grpcServers.forEach(Server::shutdown);
        metricsChannels.forEach(channel -> channel.close().awaitUninterruptibly());
        http1Channels.close().awaitUninterruptibly();
        long deadlineNanos = System.nanoTime() + STOP_GRACE.toNanos();
        try {
            for (Server server : grpcServers) {
                if (!server.awaitTermination(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS)) {
                    server.shutdownNow().awaitTermination();
                }
            }
            // Scrapes end before the I/O threads that would write their answers.
            scrapeExecutor.shutdownNow();
            scrapeExecutor.awaitTermination(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
            ioGroup.shutdownGracefully(0, STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS).await();
            acceptGroup.shutdownGracefully(0, STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS).await();
            for (Thread thread : threads.started()) {
                thread.join(STOP_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            grpcServers.forEach(Server::shutdownNow);
            Thread.currentThread().interrupt();
        }
        grpcServers.clear();
        metricsChannels.clear();
    }

    private static long remainingNanos(long deadlineNanos) {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }
}
