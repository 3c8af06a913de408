package io.etcetera.api;

import static java.nio.charset.StandardCharsets.UTF_8;

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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the server side of TLS from etcd's PEM files: certificate chain, private key (PKCS#8,
 * PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}, as cfssl and kubeadm write them),
 * and, with client certificate auth, the CA bundle that signs client certificates.
 *
 * <p>ALPN offers {@code http/1.1} before {@code h2}: a client that offers both (curl, browsers,
 * Prometheus) gets HTTP/1.1 for the HTTP endpoints; gRPC clients offer only {@code h2} and get it.
 * TLS 1.2 and 1.3 only, as etcd's minimum is TLS 1.2. Stateless.
 */
final class ServerTls {

    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** DER of the AlgorithmIdentifier {rsaEncryption, NULL}. */
    private static final byte[] RSA_ALGORITHM = {
        0x30,
        0x0d,
        0x06,
        0x09,
        0x2a,
        (byte) 0x86,
        0x48,
        (byte) 0x86,
        (byte) 0xf7,
        0x0d,
        0x01,
        0x01,
        0x01,
        0x05,
        0x00
    };

    /** DER of the OID id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY_OID = {
        0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
    };

    private static final byte[] VERSION_ZERO = {0x02, 0x01, 0x00};

    private ServerTls() {}

    /** The TLS context for a listener; throws {@link IOException} naming the file that is wrong. */
    static SslContext context(TlsConfig tls) throws IOException {
        Path certFile = tls.certFile().orElseThrow();
        Path keyFile = tls.keyFile().orElseThrow();
        try {
            PrivateKey key = privateKey(keyFile);
            List<X509Certificate> chain = certificates(certFile);
            checkKeyMatches(key, chain.get(0));
            SslContextBuilder builder =
                    SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
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
                builder.trustManager(
                        certificates(tls.trustedCaFile().get()).toArray(X509Certificate[]::new));
            }
            builder.clientAuth(tls.clientCertAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
            return builder.build();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(
                    "cannot use TLS files " + certFile + ", " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a key that is not the certificate's, at start as etcd does (Go's {@code
     * tls.X509KeyPair}), rather than at every handshake: signs a challenge with the key and
     * verifies it with the certificate.
     */
    private static void checkKeyMatches(PrivateKey key, X509Certificate certificate)
            throws GeneralSecurityException {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
                    case "DSA" -> "SHA256withDSA";
                    default -> null; // e.g. RSASSA-PSS, whose parameters come with the key
                };
        if (algorithm == null) {
            return;
        }
        byte[] challenge = "etcetera: does this key sign for this certificate".getBytes(UTF_8);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another algorithm than the certificate's: the same refusal
        }
        throw new GeneralSecurityException("tls: private key does not match public key");
    }

    private static List<X509Certificate> certificates(Path file)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                            .map(X509Certificate.class::cast)
                            .toList();
            if (certificates.isEmpty()) {
                throw new IOException("no certificate in " + file);
            }
            return certificates;
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher block = PEM_BLOCK.matcher(Files.readString(file));
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            switch (block.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(der, file);
                case "RSA PRIVATE KEY":
                    return KeyFactory.getInstance("RSA")
                            .generatePrivate(
                                    new PKCS8EncodedKeySpec(
                                            sequence(VERSION_ZERO, RSA_ALGORITHM, tlv(0x04, der))));
                case "EC PRIVATE KEY":
                    byte[] algorithm = tlv(0x30, concat(EC_PUBLIC_KEY_OID, ecCurve(der, file)));
                    return KeyFactory.getInstance("EC")
                            .generatePrivate(
                                    new PKCS8EncodedKeySpec(
                                            sequence(VERSION_ZERO, algorithm, tlv(0x04, der))));
                default:
                    break; // e.g. EC PARAMETERS, which openssl writes before an EC key
            }
        }
        throw new IOException(
                "no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) in " + file);
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
        for (String algorithm : List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm)
                        .generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException("unsupported or encrypted PKCS#8 private key in " + file);
    }

    /**
     * The named-curve OID of a SEC1 {@code ECPrivateKey} (RFC 5915): SEQUENCE { version, privateKey
     * OCTET STRING, [0] parameters, [1] publicKey }.
     */
    private static byte[] ecCurve(byte[] sec1, Path file) throws IOException {
        int offset = headerLength(sec1, 0); // inside the SEQUENCE
        while (offset < sec1.length) {
            int tag = sec1[offset] & 0xff;
            int end = offset + headerLength(sec1, offset) + contentLength(sec1, offset);
            if (tag == 0xa0) {
                return Arrays.copyOfRange(sec1, offset + headerLength(sec1, offset), end);
            }
            offset = end;
        }
        throw new IOException("EC private key without a named curve in " + file);
    }

    private static int headerLength(byte[] der, int offset) {
        int first = der[offset + 1] & 0xff;
        return first < 0x80 ? 2 : 2 + (first & 0x7f);
    }

    private static int contentLength(byte[] der, int offset) {
        int first = der[offset + 1] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[offset + 2 + i] & 0xff);
        }
        return length;
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        if (content.length < 0x80) {
            out.write(content.length);
        } else {
            int lengthBytes = (32 - Integer.numberOfLeadingZeros(content.length) + 7) / 8;
            out.write(0x80 | lengthBytes);
            for (int i = lengthBytes - 1; i >= 0; i--) {
                out.write(content.length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
