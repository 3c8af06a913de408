package io.etcetera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcetera.operator.crd.Bootstrap;
import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdClusterSpec;
import io.etcetera.operator.crd.EtcdClusterStatus;
import io.etcetera.operator.crd.EtcdSnapshot;
import io.etcetera.operator.crd.EtcdSnapshotSpec;
import io.etcetera.operator.crd.EtcdSnapshotStatus;
import io.etcetera.operator.crd.MemberOptions;
import io.etcetera.operator.crd.MemberStatus;
import io.etcetera.operator.crd.SnapshotDestination;
import io.etcetera.operator.crd.TlsSpec;
import io.etcetera.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What the end-to-end suites do to the API server and wait for: create and edit EtcdClusters, wait
 * until one is Available, take EtcdSnapshots, create Secrets. Every wait is bounded by
 * {@link #CONVERGE_MAX}.
 */
final class Clusters {

    /** JVM members (Etcetera) start in seconds, not milliseconds: they get more time. */
    private static final boolean JVM_MEMBERS =
            System.getProperty("e2e.member", "etcd").equals("etcetera");
    static final Duration CONVERGE_MAX = Duration.ofSeconds(
            Long.getLong("e2e.convergeSeconds", JVM_MEMBERS ? 300 : 120));
    /**
     * unhealthyMemberGraceSeconds of every cluster: short, so a wiped member is replaced soon,
     * but longer than a member's start, or a member still starting is replaced as failed.
     */
    private static final int GRACE_SECONDS =
            Integer.getInteger("e2e.graceSeconds", JVM_MEMBERS ? 60 : 8);
    /** Member image; null selects the default etcd image (the local target ignores images). */
    private static final String IMAGE = System.getProperty("e2e.image");
    /** Fast elections, so a restarted member or a lost leader costs seconds, not minutes. */
    static final MemberOptions FAST = new MemberOptions(null, null, null, null, 100, 1000);

    private final Target target;

    Clusters(Target target) {
        this.target = target;
    }

    void create(String name, int size, Bootstrap bootstrap, TlsSpec tls) {
        var cluster = new EtcdCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName(name)
                .withNamespace(target.namespace()).build());
        cluster.setSpec(new EtcdClusterSpec(size, null, IMAGE, null, null, null, FAST, tls, null,
                bootstrap, GRACE_SECONDS, null));
        target.client().resource(cluster).create();
    }

    /** Replaces the spec of cluster {@code name} with {@code edit} of it. */
    void editSpec(String name, UnaryOperator<EtcdClusterSpec> edit) {
        target.client().resources(EtcdCluster.class).inNamespace(target.namespace())
                .withName(name).edit(c -> {
                    c.setSpec(edit.apply(c.getSpec()));
                    return c;
                });
    }

    void resize(String name, int size) {
        editSpec(name, s -> new EtcdClusterSpec(size, s.version(), s.image(), s.storage(),
                s.resources(), s.podTemplate(), s.options(), s.tls(), s.snapshots(),
                s.bootstrap(), s.unhealthyMemberGraceSeconds(), s.paused()));
    }

    void setOptions(String name, MemberOptions options) {
        editSpec(name, s -> new EtcdClusterSpec(s.size(), s.version(), s.image(), s.storage(),
                s.resources(), s.podTemplate(), options, s.tls(), s.snapshots(), s.bootstrap(),
                s.unhealthyMemberGraceSeconds(), s.paused()));
    }

    EtcdClusterStatus status(String name) {
        return target.client().resources(EtcdCluster.class).inNamespace(target.namespace())
                .withName(name).get().getStatus();
    }

    List<Pod> pods(String cluster) {
        return target.client().pods().inNamespace(target.namespace())
                .withLabel("etcetera.io/cluster", cluster).list().getItems();
    }

    /** Waits until {@code size} voters are ready, one leads, and Available is true. */
    void awaitAvailable(String name, int size) {
        await().atMost(CONVERGE_MAX).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> {
                    EtcdClusterStatus s = status(name);
                    assertThat(s).isNotNull();
                    assertThat(s.members()).hasSize(size)
                            .allMatch(m -> Boolean.TRUE.equals(m.ready())
                                    && !Boolean.TRUE.equals(m.learner()));
                    assertThat(Conditions.isTrue(s.conditions(), Conditions.AVAILABLE)).isTrue();
                    assertThat(s.leader()).isNotNull();
                });
    }

    List<String> readyMembers(String name) {
        return status(name).members().stream().filter(m -> Boolean.TRUE.equals(m.ready()))
                .map(MemberStatus::name).sorted().toList();
    }

    List<String> memberIds(String name) {
        return status(name).members().stream().map(MemberStatus::id).sorted().toList();
    }

    /** Creates EtcdSnapshot {@code name} of {@code cluster} and waits until it Succeeded. */
    EtcdSnapshotStatus snapshot(String name, String cluster, SnapshotDestination destination) {
        var snapshot = new EtcdSnapshot();
        snapshot.setMetadata(new ObjectMetaBuilder().withName(name)
                .withNamespace(target.namespace()).build());
        snapshot.setSpec(new EtcdSnapshotSpec(cluster, destination));
        target.client().resource(snapshot).create();
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> assertThat(
                snapshotStatus(name).phase()).isEqualTo("Succeeded"));
        return snapshotStatus(name);
    }

    EtcdSnapshotStatus snapshotStatus(String name) {
        return target.client().resources(EtcdSnapshot.class).inNamespace(target.namespace())
                .withName(name).get().getStatus();
    }

    void secret(String name, Map<String, String> values) {
        Map<String, String> data = new TreeMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(
                v.getBytes(StandardCharsets.UTF_8))));
        target.client().resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(target.namespace()).endMetadata().withData(data).build())
                .create();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
