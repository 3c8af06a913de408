package io.etcetera.transport;

import io.netty.handler.ssl.SslContext;

/**
 * TLS for {@code https} peer URLs, built from etcd's {@code --peer-*} PEM files by whoever starts
 * the transport: the server side for the listeners (offering ALPN {@code h2}) and the client side
 * for calls to peers (with this member's certificate when peers require client certificates).
 * Immutable.
 *
 * @param server the listeners' TLS context
 * @param client the context for calls to {@code https} peers
 */
public record PeerTls(SslContext server, SslContext client) {}
