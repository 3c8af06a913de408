package io.etcetera.transport;

import io.etcetera.config.EtcdUrl;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Opens gRPC channels to peer URLs: grpc-java's Netty transport on the transport's shared I/O
 * threads, callbacks run directly on those threads (they only hand events over), HTTP/2 keepalive
 * so that a link to a peer that vanished without a reset breaks within {@link #KEEPALIVE_SECONDS}
 * plus {@link #KEEPALIVE_TIMEOUT_SECONDS}. Each channel serves one link and is shut down when the
 * link breaks: a new link gets a new channel, so reconnect timing is the transport's back-off and
 * not gRPC's own (which grows to two minutes). Stateless beyond its configuration; thread-safe.
 */
final class PeerChannels {

    /** grpc-java's smallest keepalive interval. */
    static final long KEEPALIVE_SECONDS = 10;

    /** etcd's {@code ConnReadTimeout}: a peer silent this long after a ping is gone. */
    static final long KEEPALIVE_TIMEOUT_SECONDS = 5;

    /** Peers answer with empty messages and statuses only. */
    private static final int REPLY_BYTES_MAX = 64 << 10;

    private final EventLoopGroup ioGroup;
    private final Optional<PeerTls> tls;
    private final PeerHeaders headers;

    PeerChannels(EventLoopGroup ioGroup, Optional<PeerTls> tls, PeerHeaders headers) {
        this.ioGroup = ioGroup;
        this.tls = tls;
        this.headers = headers;
    }

    /**
     * A new channel to one URL of a peer. Resolves the host name on the calling thread, so only a
     * peer's own threads call this.
     */
    ManagedChannel open(EtcdUrl url) throws IOException {
        if (url.isUnixSocket()) {
            throw new IOException("unix socket peer URLs are not supported: " + url);
        }
        InetSocketAddress address = new InetSocketAddress(url.host(), url.portNumber());
        if (address.isUnresolved()) {
            throw new UnknownHostException("cannot resolve " + url.host() + " of " + url);
        }
        NettyChannelBuilder builder =
                NettyChannelBuilder.forAddress(address)
                        .eventLoopGroup(ioGroup)
                        .channelType(NioSocketChannel.class)
                        .directExecutor()
                        .maxInboundMessageSize(REPLY_BYTES_MAX)
                        .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                        .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .disableRetry();
        if (url.isTls() && tls.isEmpty()) {
            throw new IOException("peer URL " + url + " needs TLS, and no peer TLS is set");
        }
        return tls.isPresent() ? tls.get().secure(builder, url).build()
                : builder.usePlaintext().build();
    }

    /** The identity headers of a call from this member to {@code peerId}. */
    Metadata headers(long peerId) {
        return headers.outgoing(peerId);
    }
}
