package io.etcetera.operator.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcetera.operator.testing.TestCerts;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EtcdMembers} over TLS against a real etcd 3.4 member serving https with
 * {@code --client-cert-auth}, certificates made by openssl: the operator's client certificate
 * (its key in PKCS#1, as cert-manager writes it) is accepted; plaintext, and a member whose
 * certificate another CA issued, are refused.
 */
class EtcdMembersTlsIT {

    @TempDir
    static Path root;
    static TestCerts ca;
    static ClientTls operatorTls;
    static LocalEtcd member;
    static EtcdMembers members;

    @BeforeAll
    static void startATlsMember() throws Exception {
        ca = TestCerts.authority(root.resolve("ca"), "etcd-ca");
        var serving = ca.issue("m0", List.of("DNS:localhost", "IP:127.0.0.1"));
        var operator = ca.issue("operator", List.of("DNS:etcetera-operator"));
        operatorTls = new ClientTls(Files.readAllBytes(ca.ca()),
                Files.readAllBytes(operator.cert()), Files.readAllBytes(ca.pkcs1Key(operator)));
        member = new LocalEtcd("m0", root.resolve("data"), serving, ca.ca(), operatorTls);
        member.start(member.initialClusterEntry(), "new");
        members = new EtcdMembers(Duration.ofSeconds(2), Duration.ofSeconds(60));
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions()
                .until(() -> members.status(member.client).isLeader());
    }

    @AfterAll
    static void stop() {
        members.close();
        member.close();
    }

    @Test
    void listsStatusesAndSnapshotsOverTls() {
        assertThat(members.list(member.client).members()).singleElement()
                .satisfies(m -> assertThat(m.clientUrls()).containsExactly(member.clientUrl));
        var out = new ByteArrayOutputStream();
        SnapshotResult result = members.snapshot(member.client, out);
        assertThat(result.sizeBytes()).isEqualTo(out.size()).isGreaterThan(32);
    }

    @Test
    void aPlaintextCallToATlsMemberFails() {
        var plain = MemberEndpoint.plaintext(
                java.net.URI.create(member.clientUrl.toString().replace("https:", "http:")));
        assertThatThrownBy(() -> members.status(plain)).isInstanceOf(MemberCallException.class);
    }

    @Test
    void aMemberWhoseCertificateAnotherCaIssuedIsNotTrusted() throws Exception {
        var other = TestCerts.authority(root.resolve("other-ca"), "other-ca");
        var trustingOther = new ClientTls(Files.readAllBytes(other.ca()),
                Files.readAllBytes(ca.issue("operator2", List.of("DNS:x")).cert()),
                Files.readAllBytes(root.resolve("ca/operator2.key")));
        var endpoint = new MemberEndpoint(member.clientUrl, Optional.of(trustingOther));
        assertThatThrownBy(() -> members.status(endpoint))
                .isInstanceOf(MemberCallException.class);
        assertThat(trustingOther.fingerprint()).isNotEqualTo(operatorTls.fingerprint());
    }

    @Test
    void anHttpsUrlWithoutTlsMaterialIsRefusedUpFront() {
        assertThatThrownBy(() -> MemberEndpoint.plaintext(member.clientUrl))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs");
    }
}
