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

    private LocalTarget(KubernetesMockServer server, KubernetesClient client,
            LocalKubelet kubelet, OperatorProcess operator) {
        this.server = server;
        this.client = client;
        this.kubelet = kubelet;
        this.operator = operator;
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
        var kubelet = new LocalKubelet(client, NAMESPACE, hosts,
                MemberLauncher.fromSystemProperties(hosts.path()), root).start();
        Map<String, String> properties = new HashMap<>();
        properties.put("quarkus.operator-sdk.namespaces", NAMESPACE);
        properties.put("quarkus.http.port", String.valueOf(freePort()));
        properties.put("jdk.net.hosts.file", hosts.path().toString());
        properties.put("sun.net.inetaddr.ttl", "0");
        properties.put("sun.net.inetaddr.negative.ttl", "0");
        properties.put("etcetera.operator.snapshot-volume-root",
                root.resolve("volumes").resolve(NAMESPACE).toString());
        properties.put("etcetera.operator.progress-interval", "1s");
        properties.put("etcetera.operator.steady-interval", "3s");
        properties.put("etcetera.operator.call-timeout", "1s");
        Path kubeconfig = root.resolve("kubeconfig");
        OperatorProcess.writeKubeconfig(kubeconfig, "http://127.0.0.1:" + server.getPort(),
                NAMESPACE);
        var operator = new OperatorProcess(Path.of(System.getProperty("e2e.operator.app",
                "operator/target/quarkus-app/quarkus-run.jar")),
                root.resolve("logs/operator.log"), kubeconfig, properties).start();
        return new LocalTarget(server, client, kubelet, operator);
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
        String address = kubelet.addressOf(member, cluster + "-peers");
        List<String> line = new ArrayList<>(List.of("etcdctl", "--dial-timeout=2s",
                "--command-timeout=5s", "--endpoints=http://" + address + ":2379"));
        line.addAll(List.of(args));
        return new String(Commands.run(line));
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
