package io.etcetera.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority for TLS tests, made with the {@code openssl} command: a
 * self-signed CA and leaf certificates it issues, each with the subject alternative names given
 * and both the serverAuth and clientAuth usages (as etcd members need for peer TLS).
 *
 * <p>Files live under one directory; each method blocks until openssl has written them.
 */
public final class TestCerts {

    private static final long OPENSSL_SECONDS_MAX = 60;
    private static final String VALID_DAYS = "2";

    private final Path dir;

    /** The files of one issued certificate: PEM certificate and PKCS#8 PEM key. */
    public record Issued(Path cert, Path key) {
    }

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    /** Creates a new CA named {@code name} in {@code dir}. */
    public static TestCerts authority(Path dir, String name) {
        var certs = new TestCerts(dir);
        certs.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", VALID_DAYS,
                "-subj", "/CN=" + name, "-keyout", dir.resolve("ca.key").toString(),
                "-out", dir.resolve("ca.crt").toString());
        return certs;
    }

    public Path ca() {
        return dir.resolve("ca.crt");
    }

    /**
     * Issues a certificate for {@code name}; {@code sans} are openssl SAN entries such as
     * {@code DNS:*.demo-peers.ns.svc} or {@code IP:127.0.0.1}.
     */
    public Issued issue(String name, List<String> sans) {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        Path extensions = dir.resolve(name + ".ext");
        try {
            Files.writeString(extensions, "subjectAltName=" + String.join(",", sans) + "\n"
                    + "extendedKeyUsage=serverAuth,clientAuth\n"
                    + "keyUsage=digitalSignature,keyEncipherment\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
                "-keyout", key.toString(), "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca().toString(),
                "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial",
                "-days", VALID_DAYS, "-extfile", extensions.toString(), "-out", cert.toString());
        return new Issued(cert, key);
    }

    /** The key of {@code issued} rewritten in PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    public Path pkcs1Key(Issued issued) {
        Path out = issued.key().resolveSibling(issued.key().getFileName() + ".pkcs1");
        openssl("rsa", "-in", issued.key().toString(), "-traditional", "-out", out.toString());
        return out;
    }

    private void openssl(String... args) {
        List<String> line = new ArrayList<>(List.of("openssl"));
        line.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(OPENSSL_SECONDS_MAX, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(line + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running " + line, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + line, e);
        }
    }
}
