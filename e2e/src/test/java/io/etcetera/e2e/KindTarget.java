package io.etcetera.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The kind target: the current kubeconfig context (a kind cluster prepared by
 * {@code e2e/kind/run.sh}: images loaded, {@code crds/} and {@code manifests/} applied). Members
 * are reached with {@code kubectl exec}; snapshot files are read from the operator's pod, where
 * the snapshot claim is mounted.
 */
final class KindTarget implements Target {

    private final KubernetesClient client = new KubernetesClientBuilder().build();
    private final String namespace = System.getProperty("e2e.namespace", "default");

    @Override
    public KubernetesClient client() {
        return client;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String etcdctl(String cluster, String member, String... args) {
        boolean tls = clientTlsSecret(cluster) != null;
        List<String> line = new ArrayList<>(List.of("kubectl", "-n", namespace, "exec", member,
                "-c", "etcd", "--", "etcdctl", "--endpoints=" + (tls ? "https" : "http") + "://"
                        + member + "." + cluster + "-peers." + namespace + ".svc:2379"));
        if (tls) {
            // The member's own client Secret, mounted by the operator (see ClusterModel).
            line.addAll(List.of("--cacert=/etc/etcd/tls/client/ca.crt",
                    "--cert=/etc/etcd/tls/client/tls.crt", "--key=/etc/etcd/tls/client/tls.key"));
        }
        line.addAll(List.of(args));
        return new String(Commands.run(line));
    }

    @Override
    public String operatorMetrics() {
        String pod = new String(Commands.run(List.of("kubectl", "-n", "etcetera-system", "get",
                "pod", "-l", "app.kubernetes.io/name=etcetera-operator", "-o",
                "jsonpath={.items[0].metadata.name}"))).trim();
        return new String(Commands.run(List.of("kubectl", "get", "--raw",
                "/api/v1/namespaces/etcetera-system/pods/" + pod + ":8080/proxy/metrics")));
    }

    @Override
    public boolean podsReachTestJvm() {
        return false;
    }

    @Override
    public void crash(String cluster, String member, boolean wipeData) {
        // NB: a container's PID 1 ignores SIGKILL sent from inside its own PID namespace, so the
        // member gets SIGTERM; with its data gone it cannot come back either way.
        String script = (wipeData ? "rm -rf /var/lib/etcd/data; " : "") + "kill 1";
        Commands.run(List.of("kubectl", "-n", namespace, "exec", member, "-c", "etcd", "--",
                "sh", "-c", script));
    }

    @Override
    public void restartOperator() {
        Commands.run(List.of("kubectl", "-n", "etcetera-system", "delete", "pod",
                "-l", "app.kubernetes.io/name=etcetera-operator", "--grace-period=0", "--force"));
    }

    @Override
    public byte[] readSnapshot(String claimName, String path) {
        return Commands.run(List.of("kubectl", "-n", "etcetera-system", "exec",
                "deploy/etcetera-operator", "--", "cat",
                "/var/lib/etcetera/snapshots/" + claimName + "/" + path));
    }

    @Override
    public void close() {
        client.close();
    }
}
