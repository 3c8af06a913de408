package io.etcetera.e2e;

import io.etcetera.operator.crd.EtcdCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Where the end-to-end suite runs: {@link LocalTarget} (mock API server, the operator as a local
 * process, {@link LocalKubelet}; runs in {@code mvn verify}) or {@link KindTarget} (a kind cluster
 * with the operator deployed from {@code manifests/}; {@code -De2e.target=kind}).
 */
interface Target extends AutoCloseable {

    KubernetesClient client();

    String namespace();

    /**
     * Runs etcdctl against one member's client port, over TLS with the client Secret's
     * certificate when the cluster serves TLS; returns its standard output.
     */
    String etcdctl(String cluster, String member, String... args);

    /** The cluster's client TLS Secret, or null when its client port is plaintext. */
    default String clientTlsSecret(String cluster) {
        var spec = client().resources(EtcdCluster.class).inNamespace(namespace())
                .withName(cluster).get().getSpec();
        return spec.tls() == null ? null : spec.tls().clientSecret();
    }

    /** The operator's Prometheus text from its {@code /metrics}. */
    String operatorMetrics();

    /** False where the test JVM cannot serve S3 to member pods (kind, without e2e.s3.*). */
    boolean podsReachTestJvm();

    /** SIGKILLs the member's process; with {@code wipeData} its data volume is emptied too. */
    void crash(String cluster, String member, boolean wipeData);

    /** Kills the operator (SIGKILL locally, pod deletion on kind); it comes back by itself. */
    void restartOperator();

    /** The bytes of a snapshot file on claim {@code claimName} at {@code path}. */
    byte[] readSnapshot(String claimName, String path);

    static Target fromSystemProperties() {
        String target = System.getProperty("e2e.target", "local");
        return switch (target) {
            case "local" -> LocalTarget.start();
            case "kind" -> new KindTarget();
            default -> throw new IllegalArgumentException("e2e.target is local or kind: " + target);
        };
    }

    @Override
    void close();
}
