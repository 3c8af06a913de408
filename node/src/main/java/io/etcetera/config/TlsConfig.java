package io.etcetera.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS files for the client side ({@code --cert-file}, {@code --key-file}, {@code
 * --trusted-ca-file}, {@code --client-cert-auth}) or the peer side ({@code --peer-*}). Used only by
 * {@code https} URLs; etcd ignores them, with a warning, for {@code http} ones. Immutable.
 *
 * @param certFile PEM certificate chain this member presents
 * @param keyFile PEM private key of that certificate (PKCS#8, or PKCS#1 for RSA)
 * @param trustedCaFile PEM CA certificates that sign the other side's certificates
 * @param clientCertAuth whether the other side must present a certificate signed by a trusted CA
 */
public record TlsConfig(
        Optional<Path> certFile,
        Optional<Path> keyFile,
        Optional<Path> trustedCaFile,
        boolean clientCertAuth) {

    /** As etcd's {@code TLSInfo.Empty}: neither a certificate nor a key is given. */
    public boolean isEmpty() {
        return certFile.isEmpty() && keyFile.isEmpty();
    }
}
