package io.etcetera.operator.etcd;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * What the operator needs to call members over TLS, in PEM as Kubernetes TLS Secrets hold it: the
 * CA that issued the members' client-port certificates, and the certificate and key the operator
 * presents (members run with {@code --client-cert-auth}).
 *
 * <p>Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY},
 * cert-manager's default), which is rewrapped as PKCS#8 here because the JDK reads only PKCS#8.
 * Immutable; {@link #fingerprint()} identifies the material for channel caching.
 */
public final class ClientTls {

    private static final Pattern PKCS1 = Pattern.compile(
            "-----BEGIN RSA PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END RSA PRIVATE KEY-----");
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL } (RFC 8017 A.1). */
    private static final byte[] RSA_ALGORITHM = HexFormat.of()
            .parseHex("300d06092a864886f70d0101010500");
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
    private static final int FINGERPRINT_HEX_CHARS = 16;

    private final byte[] trustedCaPem;
    private final byte[] certPem;
    private final byte[] keyPem;
    private final String fingerprint;

    public ClientTls(byte[] trustedCaPem, byte[] certPem, byte[] keyPem) {
        this.trustedCaPem = trustedCaPem.clone();
        this.certPem = certPem.clone();
        this.keyPem = asPkcs8(keyPem);
        this.fingerprint = digest(this.trustedCaPem, this.certPem, this.keyPem);
    }

    /** Short digest of the material: equal for equal Secrets, different when one rotates. */
    public String fingerprint() {
        return fingerprint;
    }

    /** A Netty client context for gRPC that verifies members against the CA. */
    SslContext sslContext() {
        try {
            return GrpcSslContexts.forClient()
                    .trustManager(new ByteArrayInputStream(trustedCaPem))
                    .keyManager(new ByteArrayInputStream(certPem),
                            new ByteArrayInputStream(keyPem))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("client TLS material is unusable: "
                    + e.getMessage(), e);
        }
    }

    /** PKCS#1 RSA keys become PKCS#8: SEQUENCE { 0, rsaEncryption, OCTET STRING pkcs1 }. */
    static byte[] asPkcs8(byte[] pem) {
        Matcher m = PKCS1.matcher(new String(pem, StandardCharsets.US_ASCII));
        if (!m.find()) {
            return pem.clone();
        }
        byte[] pkcs1 = Base64.getMimeDecoder().decode(m.group(1).strip());
        byte[] octets = der(0x04, pkcs1);
        byte[] body = concat(VERSION_0, RSA_ALGORITHM, octets);
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(der(0x30, body));
        return ("-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** One DER element: tag, definite length (short or long form), content. */
    private static byte[] der(int tag, byte[] content) {
        int length = content.length;
        byte[] header;
        if (length < 0x80) {
            header = new byte[] {(byte) tag, (byte) length};
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            header = new byte[2 + bytes];
            header[0] = (byte) tag;
            header[1] = (byte) (0x80 | bytes);
            for (int i = 0; i < bytes; i++) {
                header[2 + i] = (byte) (length >>> (8 * (bytes - 1 - i)));
            }
        }
        return concat(header, content);
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String digest(byte[]... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                sha.update(p);
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, FINGERPRINT_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
