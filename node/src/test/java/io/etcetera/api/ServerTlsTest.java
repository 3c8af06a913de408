package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.config.TlsConfig;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reading etcd's PEM files: the three key forms operators have, and errors that name the file. */
class ServerTlsTest {

    private static TestCertificates pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCertificates.shared();
    }

    private static TlsConfig files(Path cert, Path key) {
        return new TlsConfig(Optional.of(cert), Optional.of(key), Optional.of(pki.ca()), true);
    }

    @Test
    void readsPkcs1RsaSec1EcAndPkcs8Keys() throws Exception {
        assertThat(Files.readString(pki.serverRsaKey())).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Files.readString(pki.serverEcKey())).contains("BEGIN EC PRIVATE KEY");
        assertThat(Files.readString(pki.clientKey())).contains("BEGIN PRIVATE KEY");
        assertThat(ServerTls.context(files(pki.serverCert(), pki.serverRsaKey())).isServer())
                .isTrue();
        assertThat(ServerTls.context(files(pki.serverEcCert(), pki.serverEcKey())).isServer())
                .isTrue();
        assertThat(ServerTls.context(files(pki.clientCert(), pki.clientKey())).isServer()).isTrue();
    }

    @Test
    void aKeyThatDoesNotMatchOrIsMissingNamesTheFiles() {
        assertThatThrownBy(() -> ServerTls.context(files(pki.serverCert(), pki.serverEcKey())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(pki.serverCert().toString())
                .hasMessageContaining(pki.serverEcKey().toString())
                .hasMessageEndingWith("tls: private key does not match public key");
        assertThatThrownBy(() -> ServerTls.context(files(pki.serverCert(), pki.ca())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no PEM private key")
                .hasMessageContaining(pki.ca().toString());
    }
}
