package io.etcetera.transport;

import static io.etcetera.transport.TestMember.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcetera.api.TestCertificates;
import io.etcetera.config.EtcdUrl;
import io.etcetera.config.TlsConfig;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Peers on {@code https} URLs with mutual TLS, as {@code --peer-client-cert-auth} sets up, with the
 * contexts the member builds from etcd's PEM files ({@link PeerTls#of}) and the shared throwaway
 * PKI made with the openssl command. A member that presents no certificate, or one signed by
 * another CA, is refused.
 */
class PeerTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<EtcdUrl> HTTPS_LISTENER =
            List.of(EtcdUrl.parse("https://127.0.0.1:0"));

    private static TestCertificates pki;

    @TempDir Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCertificates.shared();
    }

    @Test
    void peersWithCertificatesExchangeMessagesOverTls() throws Exception {
        try (TestMember a = tlsMember(1, memberTls(pki.peerCert(), pki.peerKey()));
                TestMember b = tlsMember(2, memberTls(pki.peerCert(), pki.peerKey()))) {
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
        PeerTls noCertificate = PeerTls.of(new TlsConfig(Optional.empty(), Optional.empty(),
                Optional.of(pki.ca()), false), List.of());
        PeerTls full = memberTls(pki.peerCert(), pki.peerKey());
        try (TestMember a = tlsMember(1, new PeerTls(full.server(), noCertificate.client()));
                TestMember b = tlsMember(2, full)) {
            assertRefused(a, b);
        }
    }

    @Test
    void aMemberWithACertificateOfAnotherCaIsRefused() throws Exception {
        try (TestMember a = tlsMember(1, memberTls(pki.foreignPeerCert(), pki.foreignPeerKey()));
                TestMember b = tlsMember(2, memberTls(pki.peerCert(), pki.peerKey()))) {
            assertRefused(a, b);
        }
    }

    /** {@code a}'s calls to {@code b} fail in the handshake: nothing reaches {@code b}. */
    private static void assertRefused(TestMember a, TestMember b) {
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

    /** What {@code --peer-cert-file}, {@code --peer-key-file}, the CA and client auth build. */
    private static PeerTls memberTls(Path cert, Path key) throws IOException {
        return PeerTls.of(new TlsConfig(Optional.of(cert), Optional.of(key),
                Optional.of(pki.ca()), true), HTTPS_LISTENER);
    }

    private TestMember tlsMember(long id, PeerTls tls) throws IOException {
        return TestMember.start(
                id,
                TestMember.CLUSTER_ID,
                dir.resolve(String.valueOf(id)),
                TestMember.LIMITS,
                0,
                Optional.of(tls));
    }
}
