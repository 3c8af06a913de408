package io.etcetera.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The local target: fabric8's mock API server in CRUD mode, the operator's production build as a
 * process, and {@link LocalKubelet} running members. Everything lives under {@code e2e.root}.
 */
final class LocalTarget implements Target {

    static final String NAMESPACE = "e2e";

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final LocalKubelet kubelet;
    private final OperatorProcess operator;
    private final MemberLauncher launcher;
    private final Path root;
    private final int operatorHttpPort;

    private LocalTarget(KubernetesMockServer server, KubernetesClient client,
            LocalKubelet kubelet, OperatorProcess operator, MemberLauncher launcher, Path root,
            int operatorHttpPort) {
        this.server = server;
        this.client = client;
        this.kubelet = kubelet;
        this.operator = operator;
        this.launcher = launcher;
        this.root = root;
        this.operatorHttpPort = operatorHttpPort;
    }

    /** Held so the level sticks: the mock server logs every request at INFO otherwise. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static LocalTarget start() {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        Path root = Path.of(System.getProperty("e2e.root", "target/e2e"))
                .resolve("run-" + ProcessHandle.current().pid());
        var server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        KubernetesClient client = server.createClient();
        installCrds(client, Path.of(System.getProperty("e2e.crds", "crds")));
        // 127.<network>.x.y: a network per run, so concurrent runs on one machine do not collide.
        int network = 100 + new SplittableRandom(ProcessHandle.current().pid()).nextInt(150);
        var hosts = new HostsFile(root.resolve("hosts"), network);
        var launcher = MemberLauncher.fromSystemProperties(hosts.path());
        var kubelet = new LocalKubelet(client, NAMESPACE, hosts, launcher, root).start();
        Map<String, String> properties = new HashMap<>();
        int httpPort = freePort();
        properties.put("quarkus.operator-sdk.namespaces", NAMESPACE);
        properties.put("quarkus.http.port", String.valueOf(httpPort));
        properties.put("jdk.net.hosts.file", hosts.path().toString());
        properties.put("sun.net.inetaddr.ttl", "0");
        properties.put("sun.net.inetaddr.negative.ttl", "0");
        properties.put("etcetera.operator.snapshot-volume-root",
                root.resolve("volumes").resolve(NAMESPACE).toString());
        properties.put("etcetera.operator.progress-interval", "1s");
        properties.put("etcetera.operator.steady-interval", "3s");
        properties.put("etcetera.operator.call-timeout", "1s");
        if (System.getProperty("e2e.member", "etcd").equals("etcetera")) {
            // Etcetera's image restores with its own launcher: `etcd snapshot restore FILE ...`.
            properties.put("etcetera.operator.member.restore-command", "etcd,snapshot,restore");
        }
        Path kubeconfig = root.resolve("kubeconfig");
        OperatorProcess.writeKubeconfig(kubeconfig, "http://127.0.0.1:" + server.getPort(),
                NAMESPACE);
        var operator = new OperatorProcess(Path.of(System.getProperty("e2e.operator.app",
                "operator/target/quarkus-app/quarkus-run.jar")),
                root.resolve("logs/operator.log"), kubeconfig, properties).start();
        return new LocalTarget(server, client, kubelet, operator, launcher, root, httpPort);
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public String etcdctl(String cluster, String member, String... args) {
        String host = member + "." + cluster + "-peers." + NAMESPACE + ".svc";
        kubelet.addressOf(member, cluster + "-peers");
        String secret = clientTlsSecret(cluster);
        List<String> words = new ArrayList<>(List.of("--dial-timeout=2s", "--command-timeout=5s",
                "--endpoints=" + (secret != null ? "https" : "http") + "://" + host + ":2379"));
        if (secret != null) {
            Path dir = writeSecret(secret);
            words.addAll(List.of("--cacert=" + dir.resolve("ca.crt"),
                    "--cert=" + dir.resolve("tls.crt"), "--key=" + dir.resolve("tls.key")));
        }
        words.addAll(List.of(args));
        // Through the launcher, so the pod's DNS name resolves (and TLS checks it) as in a pod.
        return new String(Commands.run(launcher.commandLine(List.of("etcdctl"), words)));
    }

    @Override
    public String operatorMetrics() {
        var request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + operatorHttpPort + "/metrics")).build();
        try {
            return java.net.http.HttpClient.newHttpClient()
                    .send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the operator's /metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public boolean podsReachTestJvm() {
        return true;
    }

    /** The files of a TLS Secret, as a pod mounting it sees them. */
    private Path writeSecret(String name) {
        Path dir = root.resolve("secrets").resolve(name);
        var secret = client.secrets().inNamespace(NAMESPACE).withName(name).get();
        try {
            Files.createDirectories(dir);
            for (var entry : secret.getData().entrySet()) {
                Files.write(dir.resolve(entry.getKey()),
                        java.util.Base64.getDecoder().decode(entry.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing secret " + name, e);
        }
        return dir;
    }

    @Override
    public void crash(String cluster, String member, boolean wipeData) {
        kubelet.crash(member, "data-" + member, wipeData);
    }

    @Override
    public byte[] readSnapshot(String claimName, String path) {
        try {
            return Files.readAllBytes(kubelet.claimPath(claimName).resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restartOperator() {
        operator.kill();
        operator.start();
    }

    @Override
    public void close() {
        operator.close();
        kubelet.close();
        client.close();
        server.destroy();
    }

    /** As {@code kubectl apply -f crds/}: the mock server serves a kind once its CRD exists. */
    private static void installCrds(KubernetesClient client, Path crds) {
        try (var files = Files.list(crds)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                try (var in = Files.newInputStream(file)) {
                    client.load(in).create();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("installing CRDs from " + crds, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
