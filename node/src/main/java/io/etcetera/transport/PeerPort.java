package io.etcetera.transport;

import io.etcetera.config.EtcdUrl;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The member's peer listeners: one grpc-java Netty server per {@code --listen-peer-urls} address,
 * TLS on {@code https} ones, calls run directly on the shared I/O threads (services never block). A
 * call may carry one Raft message batch of up to {@link PeerLimits#INBOUND_MESSAGE_BYTES_MAX};
 * peers' keepalive pings are allowed every {@link #KEEPALIVE_MIN_SECONDS}, and a silent caller is
 * pinged as a caller pings a silent peer.
 *
 * <p>Lifecycle: started once, then shut down once; the owner thread calls both.
 */
final class PeerPort {

    /** Peers ping every {@link PeerChannels#KEEPALIVE_SECONDS}; leave them room. */
    static final long KEEPALIVE_MIN_SECONDS = PeerChannels.KEEPALIVE_SECONDS / 2;

    private final List<EtcdUrl> urls;
    private final Optional<SslContext> tls;
    private final List<ServerServiceDefinition> services;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final List<Server> servers = new ArrayList<>();

    PeerPort(
            List<EtcdUrl> urls,
            Optional<SslContext> tls,
            List<ServerServiceDefinition> services,
            EventLoopGroup acceptGroup,
            EventLoopGroup ioGroup) {
        this.urls = List.copyOf(urls);
        this.tls = tls;
        this.services = List.copyOf(services);
        this.acceptGroup = acceptGroup;
        this.ioGroup = ioGroup;
    }

    /** Binds every URL; throws naming the address that failed (the caller then shuts down). */
    void start() throws IOException {
        for (EtcdUrl url : urls) {
            if (url.isUnixSocket()) {
                throw new IOException("unix socket peer URLs are not supported: " + url);
            }
            NettyServerBuilder builder =
                    NettyServerBuilder.forAddress(url.bindAddress())
                            .channelType(NioServerSocketChannel.class)
                            .bossEventLoopGroup(acceptGroup)
                            .workerEventLoopGroup(ioGroup)
                            .directExecutor()
                            .maxInboundMessageSize(PeerLimits.INBOUND_MESSAGE_BYTES_MAX)
                            .permitKeepAliveTime(KEEPALIVE_MIN_SECONDS, TimeUnit.SECONDS)
                            .permitKeepAliveWithoutCalls(true)
                            .keepAliveTime(PeerChannels.KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                            .keepAliveTimeout(
                                    PeerChannels.KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (url.isTls()) {
                if (tls.isEmpty()) {
                    throw new IOException(
                            "listen peer URL "
                                    + url
                                    + " needs TLS, and no peer"
                                    + " TLS is set (--peer-cert-file, --peer-key-file)");
                }
                builder.sslContext(tls.get());
            }
            services.forEach(builder::addService);
            Server server = builder.build();
            try {
                server.start();
            } catch (IOException e) {
                throw new IOException("listen tcp " + url.hostPort() + ": " + e.getMessage(), e);
            }
            servers.add(server);
        }
    }

    /** The bound addresses, in URL order. */
    List<InetSocketAddress> addresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        servers.forEach(
                server -> addresses.add((InetSocketAddress) server.getListenSockets().get(0)));
        return addresses;
    }

    /** Stops accepting and cuts every call: peers treat it as a broken link. */
    void shutdownNow(long graceMillis) throws InterruptedException {
        servers.forEach(Server::shutdownNow);
        for (Server server : servers) {
            server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
        }
        servers.clear();
    }
}
