package io.etcetera.transport;

import io.etcetera.config.EtcdUrl;
import io.etcetera.config.PemFiles;
import io.etcetera.config.TlsConfig;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * TLS for {@code https} peer URLs, built from etcd's {@code --peer-*} PEM files as etcd 3.4's
 * {@code TLSInfo} builds them ({@link #of}): the listeners' side, offering ALPN {@code h2} only,
 * and the side of calls to peers. Immutable.
 *
 * <ul>
 *   <li>Listeners demand a client certificate signed by {@code --peer-trusted-ca-file} when that
 *       file is given or {@code --peer-client-cert-auth} is set (etcd's {@code ServerConfig}).
 *       Unlike etcd, the addresses a client certificate names are not checked against the
 *       caller's address.
 *   <li>Calls trust {@code --peer-trusted-ca-file}, or the JDK's CAs without it, check that the
 *       peer's certificate names the host of its URL, and present this member's certificate when
 *       it has one (etcd's {@code ClientConfig}). A member that only listens on {@code http} still
 *       calls {@code https} peers this way.
 * </ul>
 *
 * @param server the listeners' TLS context; empty when no listen peer URL is {@code https}
 * @param client the context for calls to {@code https} peers
 */
public record PeerTls(Optional<SslContext> server, SslContext client) {

    /**
     * Reads {@code files} (when given) and builds both sides. Throws {@link IOException} naming the
     * file that is missing or wrong; the caller checked that an {@code https} listener has a
     * certificate and key ({@code EtcdCommandLine}).
     *
     * @param files the {@code --peer-*} TLS flags
     * @param listenPeerUrls {@code --listen-peer-urls}: a server side only if one is {@code https}
     */
    public static PeerTls of(TlsConfig files, List<EtcdUrl> listenPeerUrls) throws IOException {
        Optional<PemFiles.Identity> identity = Optional.empty();
        if (files.certFile().isPresent() && files.keyFile().isPresent()) {
            identity = Optional.of(
                    PemFiles.identity(files.certFile().get(), files.keyFile().get()));
        }
        var trusted = files.trustedCaFile().isPresent()
                ? Optional.of(PemFiles.trustedCas(files.trustedCaFile().get()))
                : Optional.<List<java.security.cert.X509Certificate>>empty();
        SslContextBuilder client = GrpcSslContexts.configure(
                SslContextBuilder.forClient().protocols("TLSv1.3", "TLSv1.2"), SslProvider.JDK);
        trusted.ifPresent(client::trustManager);
        identity.ifPresent(own -> client.keyManager(own.key(), own.chainArray()));
        Optional<SslContext> server = Optional.empty();
        if (listenPeerUrls.stream().anyMatch(EtcdUrl::isTls)) {
            PemFiles.Identity own = identity.orElseThrow(() -> new IllegalArgumentException(
                    "https listen peer URLs need --peer-cert-file and --peer-key-file"));
            SslContextBuilder builder = GrpcSslContexts.configure(
                    SslContextBuilder.forServer(own.key(), own.chainArray())
                            .protocols("TLSv1.3", "TLSv1.2"), SslProvider.JDK);
            trusted.ifPresent(builder::trustManager);
            boolean demandCertificate = trusted.isPresent() || files.clientCertAuth();
            builder.clientAuth(demandCertificate ? ClientAuth.REQUIRE : ClientAuth.NONE);
            server = Optional.of(builder.build());
        }
        return new PeerTls(server, client.build());
    }

    /**
     * Sets {@code builder} up for {@code url}: TLS with the client context and the URL's host as
     * the name the peer's certificate must carry for {@code https}, plaintext for {@code http}.
     */
    public NettyChannelBuilder secure(NettyChannelBuilder builder, EtcdUrl url) {
        return url.isTls()
                ? builder.sslContext(client).overrideAuthority(url.hostPort())
                : builder.usePlaintext();
    }
}
