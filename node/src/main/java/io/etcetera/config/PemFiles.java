package io.etcetera.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * Reads etcd's PEM files for the client and the peer side: a certificate chain with its private
 * key (PKCS#8, PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}, as cfssl and kubeadm
 * write them), and CA bundles. A key that is not the certificate's is refused when read, as etcd
 * refuses it at start, rather than at every handshake. Whoever builds a TLS context (the client
 * port, the peer transport) reads through here. Stateless.
 */
public final class PemFiles {

    /**
     * A certificate chain and the private key of its first certificate.
     *
     * @param key the private key
     * @param chain the certificates, the key's own first
     */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {

        public Identity {
            chain = List.copyOf(chain);
        }

        /** The chain as TLS libraries take it. */
        public X509Certificate[] chainArray() {
            return chain.toArray(X509Certificate[]::new);
        }
    }

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

    private PemFiles() {}

    /**
     * The certificate chain of {@code certFile} with the key of {@code keyFile}; throws {@link
     * IOException} naming both files when one is missing or wrong, or the key is not the
     * certificate's.
     */
    public static Identity identity(Path certFile, Path keyFile) throws IOException {
        try {
            PrivateKey key = privateKey(keyFile);
            List<X509Certificate> chain = certificates(certFile);
            checkKeyMatches(key, chain.get(0));
            return new Identity(key, chain);
        } catch (GeneralSecurityException | IllegalArgumentException | NoSuchFileException e) {
            throw new IOException("cannot use TLS files " + certFile + ", " + keyFile + ": "
                    + reason(e), e);
        }
    }

    /** The CA certificates of a bundle; throws {@link IOException} naming the file. */
    public static List<X509Certificate> trustedCas(Path caFile) throws IOException {
        try {
            return certificates(caFile);
        } catch (GeneralSecurityException | NoSuchFileException e) {
            throw new IOException("cannot use trusted CA file " + caFile + ": " + reason(e), e);
        }
    }

    /** etcd's words for a missing file (Go's {@code open <file>: no such file or directory}). */
    private static String reason(Exception e) {
        return e instanceof NoSuchFileException missing
                ? "open " + missing.getFile() + ": no such file or directory"
                : e.getMessage();
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
