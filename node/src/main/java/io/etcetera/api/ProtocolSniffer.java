package io.etcetera.api;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InternalChannelz;
import io.grpc.SecurityLevel;
import io.grpc.internal.GrpcAttributes;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSession;

/**
 * Decides, from a connection's first bytes, whether the client speaks gRPC or HTTP/1.x, and hands
 * the connection to gRPC's HTTP/2 handler or to {@link HttpEndpoints}: one port serves both, as
 * etcd's client URL does.
 *
 * <p>gRPC clients open with HTTP/2's 24-byte connection preface ({@code PRI * HTTP/2.0...}); HTTP/1
 * clients open with a request line, which differs from the preface within its first bytes. On a
 * listener that accepts TLS, TLS is unwrapped first: always on an {@code https}-only address, and
 * on an address that etcd serves both ways when the first byte is a TLS handshake record (0x16),
 * which no plaintext request begins with.
 *
 * <p>Transitions: WAITING (buffers bytes; holds gRPC's negotiation event) → GRPC (installs gRPC's
 * negotiation handler, fires the event with the connection's addresses and TLS session, passes the
 * buffered bytes on, removes itself) or → HTTP1 (installs the HTTP/1 codec and endpoints, passes
 * the bytes on, removes itself). A connection that sends nothing decisive within {@link
 * #UNDECIDED_SECONDS_MAX} is closed.
 *
 * <p>Thread: one instance per connection, confined to its I/O thread.
 */
final class ProtocolSniffer extends ChannelInboundHandlerAdapter {

    /** A connection must show its protocol (and finish TLS) within this time. */
    static final long UNDECIDED_SECONDS_MAX = 30;

    private static final byte[] HTTP2_PREFACE =
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;

    private final GrpcHttp2ConnectionHandler grpcHandler;
    private final ClientListener listener;

    /** gRPC's negotiation event, held until the connection turns out to be gRPC. */
    private ProtocolNegotiationEvent negotiationEvent =
            InternalProtocolNegotiationEvent.getDefault();

    /**
     * Bytes received while undecided; null when none. Invariant: released or passed on exactly
     * once.
     */
    private ByteBuf received;

    /** The TLS handler in front of this one, once there is one. */
    private SslHandler sslHandler;

    private ScheduledFuture<?> undecidedTimeout;

    ProtocolSniffer(GrpcHttp2ConnectionHandler grpcHandler, ClientListener listener) {
        this.grpcHandler = grpcHandler;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Runnable close = ctx::close;
        undecidedTimeout = ctx.executor().schedule(close, UNDECIDED_SECONDS_MAX, TimeUnit.SECONDS);
        if (!listener.acceptsPlaintext()) {
            addTls(ctx);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        undecidedTimeout.cancel(false);
        releaseReceived();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseReceived();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ProtocolNegotiationEvent negotiation) {
            negotiationEvent = negotiation;
        } else if (event instanceof SslHandshakeCompletionEvent handshake
                && !handshake.isSuccess()) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(message);
            ctx.close();
            return;
        }
        received =
                received == null
                        ? bytes
                        : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(
                                ctx.alloc(), received, bytes);
        if (!received.isReadable()) {
            return;
        }
        if (sslHandler == null
                && listener.acceptsTls()
                && received.getByte(received.readerIndex()) == TLS_HANDSHAKE_RECORD) {
            ByteBuf encrypted = received;
            received = null;
            addTls(ctx);
            ctx.pipeline().fireChannelRead(encrypted); // from the head, so TLS decrypts it first
            return;
        }
        int comparable = Math.min(received.readableBytes(), HTTP2_PREFACE.length);
        for (int i = 0; i < comparable; i++) {
            if (received.getByte(received.readerIndex() + i) != HTTP2_PREFACE[i]) {
                startHttp1(ctx);
                return;
            }
        }
        if (comparable == HTTP2_PREFACE.length) {
            startGrpc(ctx);
        }
    }

    private void addTls(ChannelHandlerContext ctx) {
        sslHandler = listener.sslContext().newHandler(ctx.alloc());
        ctx.pipeline().addBefore(ctx.name(), null, sslHandler);
    }

    /** Hands the connection to gRPC, as its own negotiators do once TLS (if any) is done. */
    private void startGrpc(ChannelHandlerContext ctx) {
        Attributes.Builder attributes =
                InternalProtocolNegotiationEvent.getAttributes(negotiationEvent).toBuilder()
                        .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.channel().localAddress())
                        .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.channel().remoteAddress())
                        .set(
                                GrpcAttributes.ATTR_SECURITY_LEVEL,
                                sslHandler == null
                                        ? SecurityLevel.NONE
                                        : SecurityLevel.PRIVACY_AND_INTEGRITY);
        ProtocolNegotiationEvent event;
        if (sslHandler == null) {
            event =
                    InternalProtocolNegotiationEvent.withAttributes(
                            negotiationEvent, attributes.build());
        } else {
            SSLSession session = sslHandler.engine().getSession();
            attributes.set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session);
            event =
                    InternalProtocolNegotiationEvent.withSecurity(
                            InternalProtocolNegotiationEvent.withAttributes(
                                    negotiationEvent, attributes.build()),
                            new InternalChannelz.Security(new InternalChannelz.Tls(session)));
        }
        ctx.pipeline()
                .addAfter(
                        ctx.name(),
                        null,
                        InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler));
        ctx.fireUserEventTriggered(event); // gRPC's handler replaces the negotiation handler now
        passOnReceived(ctx);
    }

    private void startHttp1(ChannelHandlerContext ctx) {
        HttpEndpoints.install(ctx.pipeline(), ctx.name(), listener.httpEndpoints());
        listener.http1Channels().add(ctx.channel());
        passOnReceived(ctx);
    }

    private void passOnReceived(ChannelHandlerContext ctx) {
        ByteBuf bytes = received;
        received = null;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(bytes);
    }

    private void releaseReceived() {
        if (received != null) {
            received.release();
            received = null;
        }
    }
}
