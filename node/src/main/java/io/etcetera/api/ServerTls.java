package io.etcetera.api;

import io.etcetera.config.PemFiles;
import io.etcetera.config.TlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;

/**
 * Builds the server side of TLS from etcd's PEM files ({@link PemFiles}): certificate chain,
 * private key and, with client certificate auth, the CA bundle that signs client certificates.
 *
 * <p>ALPN offers {@code http/1.1} before {@code h2}: a client that offers both (curl, browsers,
 * Prometheus) gets HTTP/1.1 for the HTTP endpoints; gRPC clients offer only {@code h2} and get it.
 * TLS 1.2 and 1.3 only, as etcd's minimum is TLS 1.2. Stateless.
 */
final class ServerTls {

    private ServerTls() {}

    /** The TLS context for a listener; throws {@link IOException} naming the file that is wrong. */
    static SslContext context(TlsConfig tls) throws IOException {
        PemFiles.Identity identity =
                PemFiles.identity(tls.certFile().orElseThrow(), tls.keyFile().orElseThrow());
        SslContextBuilder builder =
                SslContextBuilder.forServer(identity.key(), identity.chainArray())
                        .sslProvider(SslProvider.JDK)
                        .protocols("TLSv1.3", "TLSv1.2")
                        .applicationProtocolConfig(
                                new ApplicationProtocolConfig(
                                        Protocol.ALPN,
                                        SelectorFailureBehavior.NO_ADVERTISE,
                                        SelectedListenerFailureBehavior.ACCEPT,
                                        ApplicationProtocolNames.HTTP_1_1,
                                        ApplicationProtocolNames.HTTP_2));
        if (tls.trustedCaFile().isPresent()) {
            builder.trustManager(PemFiles.trustedCas(tls.trustedCaFile().get()));
        }
        builder.clientAuth(tls.clientCertAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
        return builder.build();
    }
}
