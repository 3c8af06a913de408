package io.etcetera.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdClusterSpec;
import io.etcetera.operator.crd.EtcdSnapshot;
import io.etcetera.operator.crd.EtcdSnapshotStatus;
import io.etcetera.operator.crd.SnapshotDestination;
import io.etcetera.operator.crd.SnapshotSchedule;
import io.etcetera.operator.crd.VolumeLocation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled snapshots against fabric8's mock API server (CRUD) and a real directory. */
@EnableKubernetesMockClient(crud = true)
class SnapshotSchedulerTest {

    KubernetesClient client;

    @TempDir
    Path volumes;

    private static final SnapshotDestination DESTINATION =
            new SnapshotDestination(new VolumeLocation("backups", "sched"), null);
    private static final SnapshotSchedule HOURLY =
            new SnapshotSchedule("0 * * * *", 2, DESTINATION);

    private EtcdCluster cluster;
    private SnapshotScheduler scheduler;

    @BeforeEach
    void createCluster() {
        var c = new EtcdCluster();
        c.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("ns")
                .withCreationTimestamp("2026-01-01T00:00:00Z").build());
        c.setSpec(new EtcdClusterSpec(3, null, null, null, null, null, null, null, HOURLY, null,
                null, null));
        cluster = client.resource(c).create();
        cluster.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        scheduler = new SnapshotScheduler(client, new SnapshotStores(client, volumes,
                InstantSource.system()));
    }

    @Test
    void createsOneSnapshotPerCronTimeNamedAfterIt() {
        Instant now = Instant.parse("2026-01-01T05:17:00Z");
        var first = scheduler.createDue(cluster, HOURLY, scheduler.snapshotsOf(cluster), now);
        assertThat(first).contains("demo-20260101-0500");
        var again = scheduler.createDue(cluster, HOURLY, scheduler.snapshotsOf(cluster),
                now.plusSeconds(60));
        assertThat(again).isEmpty();
        EtcdSnapshot created = client.resources(EtcdSnapshot.class).inNamespace("ns")
                .withName("demo-20260101-0500").get();
        assertThat(created.getSpec().cluster()).isEqualTo("demo");
        assertThat(created.getSpec().destination()).isEqualTo(DESTINATION);
    }

    @Test
    void noSnapshotForACronTimeBeforeTheClusterExisted() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z").minusSeconds(60);
        assertThat(scheduler.createDue(cluster, HOURLY, List.of(), now)).isEmpty();
    }

    @Test
    void keepsOnlyTheNewestSuccessfulSnapshotsAndDeletesTheOlderFiles() throws Exception {
        for (int hour = 1; hour <= 4; hour++) {
            String name = "demo-20260101-0" + hour + "00";
            scheduler.createDue(cluster, HOURLY, scheduler.snapshotsOf(cluster),
                    Instant.parse("2026-01-01T0" + hour + ":00:30Z"));
            Path file = volumes.resolve("backups/sched/" + name + ".db");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "snapshot " + hour);
            var s = client.resources(EtcdSnapshot.class).inNamespace("ns").withName(name).get();
            s.setStatus(new EtcdSnapshotStatus(1L, "Succeeded", 10L, 9L, "x", "file://x", "m",
                    "2026-01-01T0" + hour + ":00:30Z", "2026-01-01T0" + hour + ":00:40Z", null));
            client.resource(s).updateStatus();
        }
        var deleted = scheduler.enforceRetention(cluster, HOURLY, scheduler.snapshotsOf(cluster));
        assertThat(deleted).containsExactlyInAnyOrder("demo-20260101-0100", "demo-20260101-0200");
        assertThat(volumes.resolve("backups/sched/demo-20260101-0100.db")).doesNotExist();
        assertThat(volumes.resolve("backups/sched/demo-20260101-0400.db")).exists();
        assertThat(scheduler.snapshotsOf(cluster)).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("demo-20260101-0300", "demo-20260101-0400");
        assertThat(SnapshotScheduler.newestSucceeded(scheduler.snapshotsOf(cluster)))
                .contains("demo-20260101-0400");
    }
}
