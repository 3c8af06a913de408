package io.etcetera.api;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;

/**
 * One client address (one {@code host:port} of {@code --listen-client-urls}) as gRPC's Netty server
 * sees it: the protocol negotiator that gives each new connection a {@link ProtocolSniffer}, and
 * what the sniffer needs to choose: whether the address takes plaintext, TLS or both (etcd serves
 * both when {@code http://} and {@code https://} URLs share an address), the TLS context, the
 * HTTP/1 endpoints, and the group that tracks HTTP/1 connections so a stop can close them (gRPC's
 * graceful shutdown closes only the connections it runs).
 *
 * <p>Invariant: {@code sslContext} is non-null exactly when the address accepts TLS. Immutable
 * after construction; shared by the I/O threads.
 */
final class ClientListener implements InternalProtocolNegotiator.ProtocolNegotiator {

    private final boolean acceptsPlaintext;
    private final SslContext sslContext;
    private final HttpEndpoints httpEndpoints;
    private final ChannelGroup http1Channels;

    ClientListener(
            boolean acceptsPlaintext,
            SslContext sslContext,
            HttpEndpoints httpEndpoints,
            ChannelGroup http1Channels) {
        this.acceptsPlaintext = acceptsPlaintext;
        this.sslContext = sslContext;
        this.httpEndpoints = httpEndpoints;
        this.http1Channels = http1Channels;
    }

    boolean acceptsPlaintext() {
        return acceptsPlaintext;
    }

    boolean acceptsTls() {
        return sslContext != null;
    }

    SslContext sslContext() {
        return sslContext;
    }

    HttpEndpoints httpEndpoints() {
        return httpEndpoints;
    }

    ChannelGroup http1Channels() {
        return http1Channels;
    }

    @Override
    public AsciiString scheme() {
        return AsciiString.of(acceptsPlaintext ? "http" : "https");
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new ProtocolSniffer(grpcHandler, this);
    }

    @Override
    public void close() {
        // Nothing to release: the TLS context and the endpoints belong to the ClientPort.
    }
}
