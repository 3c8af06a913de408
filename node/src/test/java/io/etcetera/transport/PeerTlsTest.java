package io.etcetera.transport;

import static io.etcetera.transport.TestMember.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Peers on {@code https} URLs with mutual TLS, as {@code --peer-client-cert-auth} sets up: a
 * throwaway CA made with the openssl command signs one certificate that members use as server and
 * as client. A member without a client certificate is refused.
 */
class PeerTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir static Path pki;

    @TempDir Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        Files.writeString(
                pki.resolve("peer.ext"),
                "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca-key.pem",
                "-out",
                "ca.pem",
                "-days",
                "1",
                "-subj",
                "/CN=etcetera-test-ca");
        openssl(
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "peer-key.pem",
                "-out",
                "peer.csr",
                "-subj",
                "/CN=peer");
        openssl(
                "x509",
                "-req",
                "-in",
                "peer.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca-key.pem",
                "-CAcreateserial",
                "-out",
                "peer.pem",
                "-days",
                "1",
                "-extfile",
                "peer.ext");
    }

    @Test
    void peersWithCertificatesExchangeMessagesOverTls() throws Exception {
        try (TestMember a = tlsMember(1, clientContext(true));
                TestMember b = tlsMember(2, clientContext(true))) {
            TestMember.connect(a, b);
            a.transport.send(List.of(heartbeat(1, 2, 1)));
            b.transport.send(List.of(heartbeat(2, 1, 2)));
            assertThat(b.listener.arrivals.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(a.listener.arrivals.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(b.listener.messages().get(0).getCommit()).isEqualTo(1);
            await().atMost(WAIT).until(() -> a.transport.activeSince(2).isPresent());
        }
    }

    @Test
    void aMemberWithoutAClientCertificateIsRefused() throws Exception {
        try (TestMember a = tlsMember(1, clientContext(false));
                TestMember b = tlsMember(2, clientContext(true))) {
            a.transport.addPeer(2, List.of(b.url()));
            await().atMost(WAIT)
                    .until(
                            () -> {
                                a.transport.send(List.of(heartbeat(1, 2, 1)));
                                return a.transport.stats(2).streamFailures() > 0;
                            });
            assertThat(a.transport.stats(2).lastFailure()).contains("bad_certificate");
            assertThat(b.listener.inbox).isEmpty();
            assertThat(a.transport.activeSince(2)).isEmpty();
        }
    }

    private TestMember tlsMember(long id, SslContext client) throws IOException {
        SslContext server =
                GrpcSslContexts.forServer(
                                pki.resolve("peer.pem").toFile(),
                                pki.resolve("peer-key.pem").toFile())
                        .trustManager(pki.resolve("ca.pem").toFile())
                        .clientAuth(ClientAuth.REQUIRE)
                        .build();
        return TestMember.start(
                id,
                TestMember.CLUSTER_ID,
                dir.resolve(String.valueOf(id)),
                TestMember.LIMITS,
                0,
                Optional.of(new PeerTls(server, client)));
    }

    private static SslContext clientContext(boolean withCertificate) throws IOException {
        var builder = GrpcSslContexts.forClient().trustManager(pki.resolve("ca.pem").toFile());
        if (withCertificate) {
            builder.keyManager(
                    pki.resolve("peer.pem").toFile(), pki.resolve("peer-key.pem").toFile());
        }
        return builder.build();
    }

    private static void openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process =
                new ProcessBuilder(command)
                        .directory(pki.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
