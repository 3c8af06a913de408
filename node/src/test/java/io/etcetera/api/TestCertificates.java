package io.etcetera.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the openssl command, as an operator makes one for etcd: a CA, server
 * certificates for 127.0.0.1 with an RSA key in PKCS#1 form and an EC key in SEC1 form (what cfssl
 * and kubeadm write), a client certificate with a PKCS#8 key, a peer certificate for 127.0.0.1
 * that serves and calls (etcd's {@code --peer-cert-file}), and a second CA with a peer certificate
 * of its own, which the first CA's members must refuse. Files live in one directory.
 */
public record TestCertificates(Path directory) {

    public Path ca() {
        return directory.resolve("ca.pem");
    }

    Path serverCert() {
        return directory.resolve("server.pem");
    }

    /** PKCS#1: {@code -----BEGIN RSA PRIVATE KEY-----}. */
    Path serverRsaKey() {
        return directory.resolve("server-key.pem");
    }

    Path serverEcCert() {
        return directory.resolve("server-ec.pem");
    }

    /** SEC1: {@code -----BEGIN EC PRIVATE KEY-----}, after an {@code EC PARAMETERS} block. */
    Path serverEcKey() {
        return directory.resolve("server-ec-key.pem");
    }

    Path clientCert() {
        return directory.resolve("client.pem");
    }

    /** PKCS#8: {@code -----BEGIN PRIVATE KEY-----}. */
    Path clientKey() {
        return directory.resolve("client-key.pem");
    }

    /** Server and client auth, IP SAN 127.0.0.1, EC key in SEC1 form. */
    public Path peerCert() {
        return directory.resolve("peer.pem");
    }

    public Path peerKey() {
        return directory.resolve("peer-key.pem");
    }

    /** A peer certificate like {@link #peerCert()}, signed by another CA. */
    public Path foreignPeerCert() {
        return directory.resolve("foreign-peer.pem");
    }

    public Path foreignPeerKey() {
        return directory.resolve("foreign-peer-key.pem");
    }

    /** Made once per test JVM: key generation is slow, and the files are only read. */
    private static TestCertificates shared;

    /** The PKI every test class of this JVM shares. */
    public static synchronized TestCertificates shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = create();
        }
        return shared;
    }

    private static TestCertificates create() throws IOException, InterruptedException {
        Files.createDirectories(Path.of("target"));
        TestCertificates pki =
                new TestCertificates(Files.createTempDirectory(Path.of("target"), "pki-"));
        Path dir = pki.directory();
        Files.writeString(
                dir.resolve("server.ext"),
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca-key.pem",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=etcetera-test-ca");
        openssl(dir, "genrsa", "-traditional", "-out", "server-key.pem", "2048");
        sign(dir, "server-key.pem", "server", "/CN=127.0.0.1", "server.ext");
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "server-ec-key.pem");
        sign(dir, "server-ec-key.pem", "server-ec", "/CN=127.0.0.1", "server.ext");
        openssl(dir, "genpkey", "-algorithm", "RSA", "-out", "client-key.pem");
        sign(dir, "client-key.pem", "client", "/CN=root", "client.ext");
        Files.writeString(
                dir.resolve("peer.ext"),
                "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "peer-key.pem");
        sign(dir, "peer-key.pem", "peer", "/CN=peer", "peer.ext");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "foreign-ca-key.pem", "-out", "foreign-ca.pem", "-days", "2",
                "-subj", "/CN=another-ca");
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "foreign-peer-key.pem");
        sign(dir, "foreign-ca", "foreign-peer-key.pem", "foreign-peer", "/CN=peer", "peer.ext");
        return pki;
    }

    private static void sign(Path dir, String key, String name, String subject, String extensions)
            throws IOException, InterruptedException {
        sign(dir, "ca", key, name, subject, extensions);
    }

    private static void sign(
            Path dir, String ca, String key, String name, String subject, String extensions)
            throws IOException, InterruptedException {
        openssl(dir, "req", "-new", "-key", key, "-out", name + ".csr", "-subj", subject);
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                ca + ".pem",
                "-CAkey",
                ca + "-key.pem",
                "-CAcreateserial",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-extfile",
                extensions);
    }

    private static void openssl(Path dir, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("openssl failed: " + command + "\n" + output);
        }
    }
}
