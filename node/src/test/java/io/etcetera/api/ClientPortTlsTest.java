package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client port on {@code https} URLs, with etcd's TLS flags and certificates made by openssl:
 * etcdctl and jetcd speak gRPC over TLS, an HTTP client that offers both HTTP/2 and HTTP/1.1 gets
 * the HTTP endpoints, client certificates are required when {@code --client-cert-auth} says so, and
 * an address listed as both http and https serves both, as etcd does.
 */
class ClientPortTlsTest {

    /** etcdctl retries a refused connection until its timeouts; a refusal needs no 10 s to show. */
    private static final String[] FAIL_FAST = {"--dial-timeout=1s", "--command-timeout=2s"};

    private static TestCertificates pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCertificates.shared();
    }

    /** A port on one https loopback URL with this certificate and key, plus {@code flags}. */
    private static ClientPort tlsPort(Path cert, Path key, String... flags) throws Exception {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "--listen-client-urls",
                                "https://127.0.0.1:0",
                                "--advertise-client-urls",
                                "https://127.0.0.1:2379",
                                "--cert-file",
                                cert.toString(),
                                "--key-file",
                                key.toString()));
        all.addAll(List.of(flags));
        return TestPorts.started(
                List.of(new FixedStatusMaintenance(), new LimitCheckingKv(128, 1 << 20)), all);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "https://"})
    void etcdctlSpeaksGrpcOverTlsWithAnRsaPkcs1Key(String scheme) throws Exception {
        try (ClientPort port = tlsPort(pki.serverCert(), pki.serverRsaKey())) {
            String endpoint = TestPorts.bareEndpoint(port);
            Etcdctl.Result status =
                    Etcdctl.run(
                            scheme + endpoint,
                            "--cacert",
                            pki.ca().toString(),
                            "endpoint",
                            "status",
                            "-w",
                            "json");
            assertThat(status.exitStatus()).as(status.stderr()).isZero();
            assertThat(status.stdout()).contains("\"version\":\"3.4.23\"");
            Etcdctl.Result plaintext =
                    Etcdctl.run(
                            "http://" + endpoint, "endpoint", "health", FAIL_FAST[0], FAIL_FAST[1]);
            assertThat(plaintext.exitStatus())
                    .as("plaintext is refused on an https-only address")
                    .isNotZero();
        }
    }

    @Test
    void httpClientsOfferingHttp2GetTheEndpointsOverHttp11() throws Exception {
        try (ClientPort port = tlsPort(pki.serverEcCert(), pki.serverEcKey())) {
            HttpClient http =
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_2)
                            .sslContext(trusting(pki.ca()))
                            .build();
            URI version = URI.create("https://" + TestPorts.bareEndpoint(port) + "/version");
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(version).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(response.body()).contains("\"etcdserver\":\"3.4.23\"");
        }
    }

    @Test
    void jetcdSpeaksGrpcOverTlsWithAnEcKey() throws Exception {
        try (ClientPort port = tlsPort(pki.serverEcCert(), pki.serverEcKey())) {
            String endpoint = "https://" + TestPorts.bareEndpoint(port);
            try (Client jetcd =
                    Client.builder()
                            .endpoints(endpoint)
                            .sslContext(ssl -> ssl.trustManager(pki.ca().toFile()))
                            .build()) {
                long leader =
                        jetcd.getMaintenanceClient()
                                .statusMember(endpoint)
                                .get(10, TimeUnit.SECONDS)
                                .getLeader();
                assertThat(leader).isEqualTo(FixedStatusMaintenance.MEMBER_ID);
            }
        }
    }

    @Test
    void clientCertificateAuthRefusesClientsWithoutOne() throws Exception {
        try (ClientPort port =
                tlsPort(
                        pki.serverCert(),
                        pki.serverRsaKey(),
                        "--client-cert-auth",
                        "--trusted-ca-file",
                        pki.ca().toString())) {
            String endpoint = "https://" + TestPorts.bareEndpoint(port);
            String ca = pki.ca().toString();
            Etcdctl.Result without =
                    Etcdctl.run(
                            endpoint,
                            "--cacert",
                            ca,
                            "endpoint",
                            "health",
                            FAIL_FAST[0],
                            FAIL_FAST[1]);
            assertThat(without.exitStatus()).isNotZero();
            Etcdctl.Result with =
                    Etcdctl.run(
                            endpoint,
                            "--cacert",
                            ca,
                            "--cert",
                            pki.clientCert().toString(),
                            "--key",
                            pki.clientKey().toString(),
                            "endpoint",
                            "health");
            assertThat(with.exitStatus()).as(with.stderr()).isZero();
        }
    }

    @Test
    void oneAddressListedAsHttpAndHttpsServesBoth() throws Exception {
        // Learn a free port, then list it twice: port 0 would give the two URLs two ports.
        int free;
        try (ClientPort first = TestPorts.started(List.of(), TestPorts.LOOPBACK)) {
            free = first.clientAddresses().get(0).getPort();
        }
        String plain = "http://127.0.0.1:" + free;
        String tls = "https://127.0.0.1:" + free;
        try (ClientPort both =
                TestPorts.started(
                        List.of(new FixedStatusMaintenance(), new LimitCheckingKv(128, 1 << 20)),
                        List.of(
                                "--listen-client-urls",
                                plain + "," + tls,
                                "--advertise-client-urls",
                                plain,
                                "--cert-file",
                                pki.serverCert().toString(),
                                "--key-file",
                                pki.serverRsaKey().toString()))) {
            assertThat(both.clientAddresses()).hasSize(1);
            assertThat(Etcdctl.run(plain, "endpoint", "health").exitStatus()).isZero();
            assertThat(
                            Etcdctl.run(tls, "--cacert", pki.ca().toString(), "endpoint", "health")
                                    .exitStatus())
                    .isZero();
        }
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
