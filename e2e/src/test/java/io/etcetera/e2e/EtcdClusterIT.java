package io.etcetera.e2e;

import static io.etcetera.e2e.Clusters.CONVERGE_MAX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcetera.operator.backup.S3TestServer;
import io.etcetera.operator.crd.Bootstrap;
import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdClusterStatus;
import io.etcetera.operator.crd.MemberOptions;
import io.etcetera.operator.crd.MemberStatus;
import io.etcetera.operator.crd.S3Location;
import io.etcetera.operator.crd.SnapshotDestination;
import io.etcetera.operator.crd.TlsSpec;
import io.etcetera.operator.crd.VolumeLocation;
import io.etcetera.operator.status.Conditions;
import io.etcetera.operator.testing.TestCerts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    /** Claim the operator writes volume snapshots to (mounted in its pod on kind). */
    private static final String CLAIM = System.getProperty("e2e.snapshot.claim", "backups");
    private static Target target;
    private static Clusters clusters;

    @BeforeAll
    static void start() {
        target = Target.fromSystemProperties();
        clusters = new Clusters(target);
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @Test
    @Order(1)
    void threeMembersBecomeAvailableAndServeEtcdctl() {
        clusters.create(CLUSTER, 3, null, null);
        // The TLS cluster of the next case starts beside it, to overlap the two start-ups.
        createTlsSecrets();
        clusters.create(SECURE, 3, null, new TlsSpec(SECURE + "-tls", SECURE + "-tls",
                SECURE + "-operator"));
        clusters.awaitAvailable(CLUSTER, 3);
        String member = clusters.readyMembers(CLUSTER).get(0);
        target.etcdctl(CLUSTER, member, "put", "greeting", "hello");
        String other = clusters.readyMembers(CLUSTER).get(2);
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
        try {
            clusters.awaitAvailable(SECURE, 3);
            String member = clusters.readyMembers(SECURE).get(0);
            target.etcdctl(SECURE, member, "put", "secret", "kept");
            assertThat(target.etcdctl(SECURE, clusters.readyMembers(SECURE).get(2), "get",
                    "secret", "--print-value-only")).isEqualTo("kept\n");
            assertThat(target.etcdctl(SECURE, member, "member", "list").lines()).hasSize(3)
                    .allMatch(line -> line.contains("https://") && !line.contains("http://"));
        } finally {
            // Done with it: stop its members so later cases have the machine to themselves.
            target.client().resources(EtcdCluster.class).inNamespace(target.namespace())
                    .withName(SECURE).delete();
            target.client().pods().inNamespace(target.namespace())
                    .withLabel("etcetera.io/cluster", SECURE).delete();
        }
    }

    @Test
    @Order(3)
    void scalesFromThreeToFiveAndBackToThreeThroughAnOperatorRestart() {
        clusters.resize(CLUSTER, 5);
        // Kill the operator in the middle of the change: the restarted one must finish it.
        await().atMost(CONVERGE_MAX).ignoreExceptions().until(() -> clusters.status(CLUSTER)
                .members().size() > 3);
        target.restartOperator();
        clusters.awaitAvailable(CLUSTER, 5);
        assertThat(target.etcdctl(CLUSTER, clusters.readyMembers(CLUSTER).get(4), "get",
                "greeting", "--print-value-only")).isEqualTo("hello\n");
        clusters.resize(CLUSTER, 3);
        clusters.awaitAvailable(CLUSTER, 3);
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> assertThat(
                clusters.pods(CLUSTER)).hasSize(3));
        assertThat(target.etcdctl(CLUSTER, clusters.readyMembers(CLUSTER).get(0), "member",
                "list").lines()).hasSize(3);
    }

    @Test
    @Order(4)
    void aKilledMemberWhoseDataIsWipedIsReplacedByANewMember() {
        EtcdClusterStatus before = clusters.status(CLUSTER);
        String victim = before.members().stream()
                .filter(m -> !Boolean.TRUE.equals(m.leader())).findFirst().orElseThrow().name();
        target.crash(CLUSTER, victim, true);
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> {
            EtcdClusterStatus now = clusters.status(CLUSTER);
            assertThat(now.members()).extracting(MemberStatus::name).doesNotContain(victim);
            assertThat(now.readyMembers()).isEqualTo(3);
            assertThat(Conditions.isTrue(now.conditions(), Conditions.AVAILABLE)).isTrue();
        });
        assertThat(target.etcdctl(CLUSTER, clusters.readyMembers(CLUSTER).get(2), "get",
                "greeting", "--print-value-only")).isEqualTo("hello\n");
    }

    @Test
    @Order(5)
    void aSnapshotIsCheckedAndANewClusterBootstrapsFromIt() {
        var status = clusters.snapshot("demo-snap", CLUSTER,
                new SnapshotDestination(new VolumeLocation(CLAIM, "snaps"), null));
        byte[] file = target.readSnapshot(CLAIM, "snaps/demo-snap.db");
        assertThat(file.length).isEqualTo(status.sizeBytes().intValue());
        assertThat(Clusters.sha256(file)).isEqualTo(status.sha256());
        assertThat(status.revision()).isPositive();

        clusters.create("restored", 1, new Bootstrap(
                new VolumeLocation(CLAIM, "snaps/demo-snap.db"), null), null);
        clusters.awaitAvailable("restored", 1);
        assertThat(target.etcdctl("restored", "restored-0", "get", "greeting",
                "--print-value-only")).isEqualTo("hello\n");
    }

    @Test
    @Order(6)
    void aMemberOptionChangeRollsEveryMemberKeepingItsIdentityAndData() {
        List<String> idsBefore = clusters.memberIds(CLUSTER);
        clusters.setOptions(CLUSTER, new MemberOptions(5000L, null, null, null, 100, 1000));
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> {
            assertThat(clusters.pods(CLUSTER)).hasSize(3)
                    .allMatch(p -> p.getSpec().getContainers().get(0).getArgs()
                            .contains("--snapshot-count=5000"));
            clusters.awaitAvailable(CLUSTER, 3);
        });
        assertThat(clusters.memberIds(CLUSTER))
                .as("a roll restarts members, it does not replace them").isEqualTo(idsBefore);
        assertThat(target.etcdctl(CLUSTER, clusters.readyMembers(CLUSTER).get(0), "get",
                "greeting", "--print-value-only")).isEqualTo("hello\n");
    }

    @Test
    @Order(7)
    void aSnapshotInS3BootstrapsANewCluster() throws Exception {
        assumeTrue(target.podsReachTestJvm(), "member pods cannot reach an S3 server in the "
                + "test JVM on this target");
        try (var s3 = new S3TestServer()) {
            clusters.secret("s3-credentials", Map.of(
                    S3Location.ACCESS_KEY_ID, S3TestServer.ACCESS_KEY,
                    S3Location.SECRET_ACCESS_KEY, S3TestServer.SECRET_KEY));
            String endpoint = s3.endpoint().toString();
            var status = clusters.snapshot("demo-s3", CLUSTER, new SnapshotDestination(null,
                    new S3Location(endpoint, null, "backups", "demo/", "s3-credentials")));
            assertThat(status.location()).isEqualTo("s3://backups/demo/demo-s3.db");
            assertThat(Clusters.sha256(s3.objects.get("/backups/demo/demo-s3.db")))
                    .isEqualTo(status.sha256());

            clusters.create("from-s3", 1, new Bootstrap(null, new S3Location(endpoint, null,
                    "backups", "demo/demo-s3.db", "s3-credentials")), null);
            clusters.awaitAvailable("from-s3", 1);
            assertThat(target.etcdctl("from-s3", "from-s3-0", "get", "greeting",
                    "--print-value-only")).isEqualTo("hello\n");
        }
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
            clusters.secret(SECURE + "-tls", Map.of("ca.crt", Files.readString(ca.ca()),
                    "tls.crt", Files.readString(members.cert()),
                    "tls.key", Files.readString(members.key())));
            clusters.secret(SECURE + "-operator", Map.of("ca.crt", Files.readString(ca.ca()),
                    "tls.crt", Files.readString(operator.cert()),
                    "tls.key", Files.readString(ca.pkcs1Key(operator))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
