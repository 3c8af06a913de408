package io.etcetera.operator.reconcile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdClusterSpec;
import io.etcetera.operator.crd.EtcdSnapshot;
import io.etcetera.operator.crd.EtcdSnapshotSpec;
import io.etcetera.operator.crd.SnapshotDestination;
import io.etcetera.operator.crd.TlsSpec;
import io.etcetera.operator.crd.VolumeLocation;
import io.etcetera.operator.model.Labels;
import io.etcetera.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real reconcilers in a Quarkus test against fabric8's mock API server in CRUD mode. No member
 * process runs here (those runs are in e2e/), so these cover what needs none: the objects a new
 * cluster gets, status and conditions while no member answers, idempotent passes, errors as status.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class EtcdClusterReconcilerTest {

    @Inject
    KubernetesClient client;

    private EtcdCluster create(String name, int size) {
        var cluster = new EtcdCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("test").build());
        cluster.setSpec(new EtcdClusterSpec(size, null, null, null, null, null, null, null, null,
                null, 60, null));
        return client.resource(cluster).create();
    }

    @Test
    void aNewClusterGetsServicesABudgetAndOnlyItsFirstMember() {
        create("alpha", 3);
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> {
            assertThat(client.services().inNamespace("test").withName("alpha-peers").get())
                    .isNotNull();
            assertThat(client.services().inNamespace("test").withName("alpha-client").get())
                    .isNotNull();
            PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget()
                    .inNamespace("test").withName("alpha").get();
            assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
            assertThat(client.pods().inNamespace("test").withName("alpha-0").get()).isNotNull();
            assertThat(client.persistentVolumeClaims().inNamespace("test")
                    .withName("data-alpha-0").get()).isNotNull();
        });
        var pod = client.pods().inNamespace("test").withName("alpha-0").get();
        assertThat(pod.getSpec().getContainers().get(0).getArgs())
                .contains("--initial-cluster-state=new");
        assertThat(pod.getMetadata().getLabels()).containsEntry(Labels.CLUSTER, "alpha");
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> {
            var status = client.resources(EtcdCluster.class).inNamespace("test")
                    .withName("alpha").get().getStatus();
            assertThat(status).isNotNull();
            assertThat(status.phase()).isEqualTo("Creating");
            assertThat(Conditions.isTrue(status.conditions(), Conditions.AVAILABLE)).isFalse();
            assertThat(Conditions.isTrue(status.conditions(), Conditions.PROGRESSING)).isTrue();
            assertThat(status.observedGeneration()).isEqualTo(1L);
        });
        // While no member answers, the operator neither bootstraps again nor adds members.
        assertThat(client.pods().inNamespace("test").withLabels(Labels.selector("alpha")).list()
                .getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("alpha-0");
    }

    @Test
    void anOperatorRestartedBetweenTheFirstClaimAndItsPodFinishesTheBootstrap() {
        // What a crash right after Bootstrap created the claim leaves behind.
        client.resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("data-gamma-0").withNamespace("test")
                .withLabels(Map.of(Labels.NAME, "etcd", Labels.CLUSTER, "gamma",
                        Labels.MEMBER, "gamma-0"))
                .endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").endSpec().build())
                .create();
        create("gamma", 3);
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> assertThat(
                client.pods().inNamespace("test").withName("gamma-0").get().getSpec()
                        .getContainers().get(0).getArgs())
                .contains("--initial-cluster-state=new"));
    }

    @Test
    void aClusterWhoseTlsSecretIsMissingIsDegradedNamingIt() {
        var cluster = new EtcdCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName("delta").withNamespace("test")
                .build());
        cluster.setSpec(new EtcdClusterSpec(1, null, null, null, null, null, null,
                new TlsSpec("delta-tls", null, null), null, null, 60, null));
        client.resource(cluster).create();
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> {
            var status = client.resources(EtcdCluster.class).inNamespace("test")
                    .withName("delta").get().getStatus();
            assertThat(Conditions.isTrue(status.conditions(), Conditions.DEGRADED)).isTrue();
            assertThat(status.lastStep()).contains("secret delta-tls not found in test");
        });
    }

    @Test
    void theOperatorRecordsEventsAndExposesMetrics() {
        create("beta", 1);
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(client.v1().events().inNamespace("test").list().getItems())
                        .anyMatch(e -> e.getInvolvedObject().getName().equals("beta")
                                && e.getReason().equals("Bootstrap")));
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> assertThat(
                given().get("/metrics").then().statusCode(200).extract().asString())
                .contains("etcetera_cluster_members{cluster=\"beta\"")
                .contains("etcetera_cluster_ready_members{cluster=\"beta\"")
                .contains("etcetera_operator_reconcile_duration_seconds_count"
                        + "{kind=\"EtcdCluster\"")
                .contains("etcetera_operator_steps_total"));
    }

    @Test
    void aSnapshotOfAMissingClusterFailsWithTheReason() {
        var snapshot = new EtcdSnapshot();
        snapshot.setMetadata(new ObjectMetaBuilder().withName("s1").withNamespace("test").build());
        snapshot.setSpec(new EtcdSnapshotSpec("nosuch",
                new SnapshotDestination(new VolumeLocation("backups", "x"), null)));
        client.resource(snapshot).create();
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            var status = client.resources(EtcdSnapshot.class).inNamespace("test").withName("s1")
                    .get().getStatus();
            assertThat(status).isNotNull();
            assertThat(status.phase()).isEqualTo("Failed");
            assertThat(status.error()).contains("EtcdCluster nosuch not found");
        });
    }
}
