package io.etcetera.e2e;

import static io.etcetera.e2e.Clusters.CONVERGE_MAX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcetera.operator.crd.Bootstrap;
import io.etcetera.operator.crd.MemberOptions;
import io.etcetera.operator.crd.SnapshotDestination;
import io.etcetera.operator.crd.VolumeLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A one-member cluster through its life: created, snapshotted, a new cluster bootstrapped from
 * the snapshot, and a rolling option change that restarts the member on its own data. What a
 * member implementation must offer before it can run the full {@link EtcdClusterIT} (which needs
 * learners and membership changes); run it with {@code -De2e.single=true}, e.g. with
 * {@code -De2e.member=etcetera}. Not part of {@code mvn verify}: the full suite covers the same
 * steps for etcd.
 */
@EnabledIfSystemProperty(named = "e2e.single", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleMemberIT {

    private static final String CLUSTER = "solo";
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
    void oneMemberBecomesAvailableAndServesEtcdctl() {
        clusters.create(CLUSTER, 1, null, null);
        clusters.awaitAvailable(CLUSTER, 1);
        target.etcdctl(CLUSTER, "solo-0", "put", "greeting", "hello");
        assertThat(target.etcdctl(CLUSTER, "solo-0", "get", "greeting", "--print-value-only"))
                .isEqualTo("hello\n");
        assertThat(target.etcdctl(CLUSTER, "solo-0", "member", "list").lines()).hasSize(1);
    }

    @Test
    @Order(2)
    void aSnapshotIsCheckedAndANewClusterBootstrapsFromIt() {
        var status = clusters.snapshot("solo-snap", CLUSTER,
                new SnapshotDestination(new VolumeLocation(CLAIM, "solo"), null));
        byte[] file = target.readSnapshot(CLAIM, "solo/solo-snap.db");
        assertThat(Clusters.sha256(file)).isEqualTo(status.sha256());
        assertThat(status.revision()).isPositive();
        clusters.create("solo-restored", 1, new Bootstrap(
                new VolumeLocation(CLAIM, "solo/solo-snap.db"), null), null);
        clusters.awaitAvailable("solo-restored", 1);
        assertThat(target.etcdctl("solo-restored", "solo-restored-0", "get", "greeting",
                "--print-value-only")).isEqualTo("hello\n");
    }

    @Test
    @Order(3)
    void anOptionChangeRestartsTheMemberOnItsOwnData() {
        var idsBefore = clusters.memberIds(CLUSTER);
        clusters.setOptions(CLUSTER, new MemberOptions(5000L, null, null, null, 100, 1000));
        await().atMost(CONVERGE_MAX).ignoreExceptions().untilAsserted(() -> {
            assertThat(clusters.pods(CLUSTER)).singleElement()
                    .satisfies(p -> assertThat(p.getSpec().getContainers().get(0).getArgs())
                            .contains("--snapshot-count=5000"));
            clusters.awaitAvailable(CLUSTER, 1);
        });
        assertThat(clusters.memberIds(CLUSTER)).isEqualTo(idsBefore);
        assertThat(target.etcdctl(CLUSTER, "solo-0", "get", "greeting", "--print-value-only"))
                .isEqualTo("hello\n");
    }
}
