package io.etcetera.operator.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.operator.testing.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM handling of {@link ClientTls}, with keys openssl made. */
class ClientTlsTest {

    @TempDir
    Path dir;

    @Test
    void aPkcs1RsaKeyIsRewrappedAsTheSamePkcs8Key() throws Exception {
        var ca = TestCerts.authority(dir, "ca");
        var issued = ca.issue("client", List.of("DNS:client"));
        byte[] pkcs8 = Files.readAllBytes(issued.key());
        byte[] pkcs1 = Files.readAllBytes(ca.pkcs1Key(issued));
        assertThat(new String(pkcs1, StandardCharsets.US_ASCII))
                .contains("BEGIN RSA PRIVATE KEY");
        byte[] converted = ClientTls.asPkcs8(pkcs1);
        assertThat(rsaKey(converted)).isEqualTo(rsaKey(pkcs8));
        assertThat(ClientTls.asPkcs8(pkcs8)).as("PKCS#8 passes unchanged").isEqualTo(pkcs8);
    }

    @Test
    void theFingerprintChangesWhenAnyPartChanges() {
        byte[] a = "a".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "b".getBytes(StandardCharsets.US_ASCII);
        String base = new ClientTls(a, a, a).fingerprint();
        assertThat(new ClientTls(a, a, a).fingerprint()).isEqualTo(base);
        assertThat(List.of(new ClientTls(b, a, a).fingerprint(),
                new ClientTls(a, b, a).fingerprint(), new ClientTls(a, a, b).fingerprint()))
                .doesNotContain(base).doesNotHaveDuplicates();
    }

    private static PrivateKey rsaKey(byte[] pkcs8Pem) throws Exception {
        String body = new String(pkcs8Pem, StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }
}
