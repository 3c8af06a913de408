package io.etcetera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcetera.operator.backup.S3TestServer;
import io.etcetera.operator.crd.Bootstrap;
import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdClusterSpec;
import io.etcetera.operator.crd.EtcdClusterStatus;
import io.etcetera.operator.crd.EtcdSnapshot;
import io.etcetera.operator.crd.EtcdSnapshotSpec;
import io.etcetera.operator.crd.EtcdSnapshotStatus;
import io.etcetera.operator.crd.MemberOptions;
import io.etcetera.operator.crd.MemberStatus;
import io.etcetera.operator.crd.S3Location;
import io.etcetera.operator.crd.SnapshotDestination;
import io.etcetera.operator.crd.TlsSpec;
import io.etcetera.operator.crd.VolumeLocation;
import io.etcetera.operator.status.Conditions;
import io.etcetera.operator.testing.TestCerts;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The end-to-end suite, one cluster through its life: created with 3 members, scaled to 5 and
 * back through an operator restart, a member killed with its data wiped and replaced, a snapshot
 * taken and checked, a new cluster bootstrapped from it, a rolling change, and a snapshot through
 * S3 that bootstraps another; beside it a cluster with client and peer TLS. Runs on the local
 * target in {@code mvn verify}, or on kind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdClusterIT {

    private static final String CLUSTER = "demo";
    /** The cluster with client and peer TLS. */
    private static final String SECURE = "secure";
    private static final Duration CONVERGE_MAX = Duration.ofSeconds(120);
    /** Member image; null selects the default etcd image (the local target ignores images). */
    private static final String IMAGE = System.getProperty("e2e.image");
    /** Claim the operator writes volume snapshots to (mounted in its pod on kind). */
    private static final String CLAIM = System.getProperty("e2e.snapshot.claim", "backups");
    private static Target target;

    @BeforeAll
    static void start() {
        target = Target.fromSystemProperties();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @Test
    @Order(1)
    void threeMembersBecomeAvailableAndServeEtcdctl() {
        create(CLUSTER, 3, null);
        // The TLS cluster of the next case starts beside it, to overlap the two start-ups.
        createTlsSecrets();
        create(SECURE, 3, null, new TlsSpec(SECURE + "-tls", SECURE + "-tls",
                SECURE + "-operator"));
        awaitAvailable(CLUSTER, 3);
        String member = readyMembers(CLUSTER).get(0);
        target.etcdctl(CLUSTER, member, "put", "greeting", "hello");
        String other = readyMembers(CLUSTER).get(2);
        assertThat(target.etcdctl(CLUSTER, other, "get", "greeting", "--print-value-only"))
                .isEqualTo("hello\n");
        assertThat(target.etcdctl(CLUSTER, other, "member", "list").lines()).hasSize(3);
        await().atMost(CONVERGE_MAX).untilAsserted(() -> assertThat(target.operatorMetrics())
                .containsPattern("etcetera_cluster_ready_members\\{cluster=\"demo\",namespace=\""
                        + target.namespace() + "\"} 3\\.0")
                .contains("etcetera_operator_reconcile_duration_seconds_count")
                .contains("etcetera_operator_steps_total"));
    }

    @Test
    @Order(2)
    void aTlsClusterServesClientsAndPeersOverTls() {
        awaitAvailable(SECURE, 3);
        String member = readyMembers(SECURE).get(0);
        target.etcdctl(SECURE, member, "put", "secret", "kept");
        assertThat(target.etcdctl(SECURE, readyMembers(SECURE).get(2), "get", "secret",
                "--print-value-only")).isEqualTo("kept\n");
        assertThat(target.etcdctl(SECURE, member, "member", "list").lines()).hasSize(3)
                .allMatch(line -> line.contains("https://") && !line.contains("http://"));
        // Done with it: stop its members so later cases have the machine to themselves.
        target.client().resources(EtcdCluster.class).inNamespace(target.namespace())
                .withName(SECURE).delete();
        target.client().pods().inNamespace(target.namespace())
                .withLabel("etcetera.io/cluster", SECURE).delete();
    }

    @Test
    @Order(3)
    void scalesFromThreeToFiveAndBackToThreeThroughAnOperatorRestart() {
        resize(CLUSTER, 5);
        // Kill the operator in the middle of the change: the restarted one must finish it.
        await().atMost(CONVERGE_MAX).ignoreExceptions().until(() -> status(CLUSTER).members()
                .size() > 3);
        target.restartOperator();
        awaitAvailable(CLUSTER, 5);
        assertThat(target.etcdctl(CLUSTER, readyMembers(CLUSTER).get(4), "get", "greeting",
                "--print-value-only")).isEqualTo("hello\n");
        resize(CLUSTER, 3);
        awaitAvailable(CLUSTER, 3);
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> assertThat(target
                .client().pods()
                .inNamespace(target.namespace()).withLabel("etcetera.io/cluster", CLUSTER)
                .list().getItems()).hasSize(3));
        assertThat(target.etcdctl(CLUSTER, readyMembers(CLUSTER).get(0), "member", "list")
                .lines()).hasSize(3);
    }

    @Test
    @Order(4)
    void aKilledMemberWhoseDataIsWipedIsReplacedByANewMember() {
        EtcdClusterStatus before = status(CLUSTER);
        String victim = before.members().stream()
                .filter(m -> !Boolean.TRUE.equals(m.leader())).findFirst().orElseThrow().name();
        target.crash(CLUSTER, victim, true);
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> {
            EtcdClusterStatus now = status(CLUSTER);
            assertThat(now.members()).extracting(MemberStatus::name).doesNotContain(victim);
            assertThat(now.readyMembers()).isEqualTo(3);
            assertThat(Conditions.isTrue(now.conditions(), Conditions.AVAILABLE)).isTrue();
        });
        assertThat(target.etcdctl(CLUSTER, readyMembers(CLUSTER).get(2), "get", "greeting",
                "--print-value-only")).isEqualTo("hello\n");
    }

    @Test
    @Order(5)
    void aSnapshotIsCheckedAndANewClusterBootstrapsFromIt() throws Exception {
        var snapshot = new EtcdSnapshot();
        snapshot.setMetadata(new ObjectMetaBuilder().withName("demo-snap")
                .withNamespace(target.namespace()).build());
        snapshot.setSpec(new EtcdSnapshotSpec(CLUSTER,
                new SnapshotDestination(new VolumeLocation(CLAIM, "snaps"), null)));
        target.client().resource(snapshot).create();
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> assertThat(target
                .client()
                .resources(EtcdSnapshot.class).inNamespace(target.namespace())
                .withName("demo-snap").get().getStatus().phase()).isEqualTo("Succeeded"));
        var status = target.client().resources(EtcdSnapshot.class)
                .inNamespace(target.namespace()).withName("demo-snap").get().getStatus();
        byte[] file = target.readSnapshot(CLAIM, "snaps/demo-snap.db");
        assertThat(file.length).isEqualTo(status.sizeBytes().intValue());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)))
                .isEqualTo(status.sha256());
        assertThat(status.revision()).isPositive();

        create("restored", 1, new Bootstrap(new VolumeLocation(CLAIM, "snaps/demo-snap.db"),
                null));
        awaitAvailable("restored", 1);
        assertThat(target.etcdctl("restored", "restored-0", "get", "greeting",
                "--print-value-only")).isEqualTo("hello\n");
    }

    @Test
    @Order(6)
    void aMemberOptionChangeRollsEveryMemberKeepingItsIdentityAndData() {
        List<String> idsBefore = status(CLUSTER).members().stream().map(MemberStatus::id)
                .sorted().toList();
        target.client().resources(EtcdCluster.class).inNamespace(target.namespace())
                .withName(CLUSTER).edit(c -> {
                    var s = c.getSpec();
                    c.setSpec(new EtcdClusterSpec(s.size(), s.version(), s.image(), s.storage(),
                            s.resources(), s.podTemplate(),
                            new MemberOptions(5000L, null, null, null, 100, 1000), s.tls(),
                            s.snapshots(), s.bootstrap(), s.unhealthyMemberGraceSeconds(),
                            s.paused()));
                    return c;
                });
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> {
            assertThat(target.client().pods().inNamespace(target.namespace())
                    .withLabel("etcetera.io/cluster", CLUSTER).list().getItems())
                    .hasSize(3)
                    .allMatch(p -> p.getSpec().getContainers().get(0).getArgs()
                            .contains("--snapshot-count=5000"));
            awaitAvailable(CLUSTER, 3);
        });
        assertThat(status(CLUSTER).members().stream().map(MemberStatus::id).sorted().toList())
                .as("a roll restarts members, it does not replace them").isEqualTo(idsBefore);
        assertThat(target.etcdctl(CLUSTER, readyMembers(CLUSTER).get(0), "get", "greeting",
                "--print-value-only")).isEqualTo("hello\n");
    }

    @Test
    @Order(7)
    void aSnapshotInS3BootstrapsANewCluster() throws Exception {
        assumeTrue(target.podsReachTestJvm(), "member pods cannot reach an S3 server in the "
                + "test JVM on this target");
        try (var s3 = new S3TestServer()) {
            secret("s3-credentials", Map.of(S3Location.ACCESS_KEY_ID, S3TestServer.ACCESS_KEY,
                    S3Location.SECRET_ACCESS_KEY, S3TestServer.SECRET_KEY));
            String endpoint = s3.endpoint().toString();
            var snapshot = new EtcdSnapshot();
            snapshot.setMetadata(new ObjectMetaBuilder().withName("demo-s3")
                    .withNamespace(target.namespace()).build());
            snapshot.setSpec(new EtcdSnapshotSpec(CLUSTER, new SnapshotDestination(null,
                    new S3Location(endpoint, null, "backups", "demo/", "s3-credentials"))));
            target.client().resource(snapshot).create();
            await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> assertThat(
                    snapshotStatus("demo-s3").phase()).isEqualTo("Succeeded"));
            assertThat(snapshotStatus("demo-s3").location())
                    .isEqualTo("s3://backups/demo/demo-s3.db");
            byte[] object = s3.objects.get("/backups/demo/demo-s3.db");
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(object))).isEqualTo(snapshotStatus("demo-s3").sha256());

            create("from-s3", 1, new Bootstrap(null, new S3Location(endpoint, null, "backups",
                    "demo/demo-s3.db", "s3-credentials")));
            awaitAvailable("from-s3", 1);
            assertThat(target.etcdctl("from-s3", "from-s3-0", "get", "greeting",
                    "--print-value-only")).isEqualTo("hello\n");
        }
    }

    private static EtcdSnapshotStatus snapshotStatus(String name) {
        return target.client().resources(EtcdSnapshot.class).inNamespace(target.namespace())
                .withName(name).get().getStatus();
    }

    /**
     * A CA, one certificate for the members' client and peer ports (a wildcard for their DNS
     * names, and 127.0.0.1, the source address of peer connections on the local target, which
     * etcd checks against the SANs), and the operator's client certificate with a PKCS#1 key.
     */
    private static void createTlsSecrets() {
        Path dir = Path.of(System.getProperty("e2e.root", "target/e2e"))
                .resolve("certs-" + ProcessHandle.current().pid());
        var ca = TestCerts.authority(dir, "e2e-ca");
        var members = ca.issue(SECURE, List.of("DNS:*." + SECURE + "-peers." + target.namespace()
                + ".svc", "IP:127.0.0.1"));
        var operator = ca.issue("operator", List.of("DNS:etcetera-operator"));
        try {
            secret(SECURE + "-tls", Map.of("ca.crt", Files.readString(ca.ca()),
                    "tls.crt", Files.readString(members.cert()),
                    "tls.key", Files.readString(members.key())));
            secret(SECURE + "-operator", Map.of("ca.crt", Files.readString(ca.ca()),
                    "tls.crt", Files.readString(operator.cert()),
                    "tls.key", Files.readString(ca.pkcs1Key(operator))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void secret(String name, Map<String, String> values) {
        Map<String, String> data = new java.util.TreeMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(
                v.getBytes(StandardCharsets.UTF_8))));
        target.client().resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(target.namespace()).endMetadata().withData(data).build())
                .create();
    }

    private static void create(String name, int size, Bootstrap bootstrap) {
        create(name, size, bootstrap, null);
    }

    private static void create(String name, int size, Bootstrap bootstrap, TlsSpec tls) {
        var cluster = new EtcdCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName(name)
                .withNamespace(target.namespace()).build());
        cluster.setSpec(new EtcdClusterSpec(size, null, IMAGE, null, null, null,
                new MemberOptions(null, null, null, null, 100, 1000), tls, null, bootstrap, 8,
                null));
        target.client().resource(cluster).create();
    }

    private static void resize(String name, int size) {
        target.client().resources(EtcdCluster.class).inNamespace(target.namespace())
                .withName(name).edit(c -> {
                    var s = c.getSpec();
                    c.setSpec(new EtcdClusterSpec(size, s.version(), s.image(), s.storage(),
                            s.resources(), s.podTemplate(), s.options(), s.tls(), s.snapshots(),
                            s.bootstrap(), s.unhealthyMemberGraceSeconds(), s.paused()));
                    return c;
                });
    }

    private static EtcdClusterStatus status(String name) {
        return target.client().resources(EtcdCluster.class).inNamespace(target.namespace())
                .withName(name).get().getStatus();
    }

    private static void awaitAvailable(String name, int size) {
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

    private static List<String> readyMembers(String name) {
        return status(name).members().stream().filter(m -> Boolean.TRUE.equals(m.ready()))
                .map(MemberStatus::name).sorted().toList();
    }
}
