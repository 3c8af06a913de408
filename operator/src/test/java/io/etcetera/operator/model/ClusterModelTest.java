package io.etcetera.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.operator.crd.Bootstrap;
import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdClusterSpec;
import io.etcetera.operator.crd.MemberOptions;
import io.etcetera.operator.crd.S3Location;
import io.etcetera.operator.crd.TlsSpec;
import io.etcetera.operator.crd.VolumeLocation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterModelTest {

    private static EtcdCluster cluster(EtcdClusterSpec spec) {
        var cluster = new EtcdCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("ns")
                .withUid("uid-1").build());
        cluster.setSpec(spec);
        return cluster;
    }

    private static EtcdClusterSpec spec(Integer size, String image, MemberOptions options,
            Bootstrap bootstrap) {
        return new EtcdClusterSpec(size, null, image, null, null, null, options, null, null,
                bootstrap, null, null);
    }

    private static final MemberName FIRST = new MemberName("demo", 0);
    private static final InitialCluster ALONE = InitialCluster.of(
            Map.of("demo-0", URI.create("http://demo-0.demo-peers.ns.svc:2380")), true);

    @Test
    void memberPodRunsTheMemberCommandWithEtcdFlags() {
        var model = new ClusterModel(cluster(spec(3, null,
                new MemberOptions(5000L, null, "periodic", "1h", 100, 1000), null)),
                MemberCommands.ETCD);
        var pod = model.pod(FIRST, ALONE, false);
        var container = pod.getSpec().getContainers().get(0);
        assertThat(container.getCommand()).containsExactly("etcd");
        assertThat(container.getImage()).isEqualTo("quay.io/coreos/etcd:v3.4.23");
        assertThat(container.getArgs()).contains(
                "--name=demo-0",
                "--data-dir=/var/lib/etcd/data",
                "--listen-client-urls=http://$(POD_IP):2379",
                "--advertise-client-urls=http://demo-0.demo-peers.ns.svc:2379",
                "--listen-peer-urls=http://$(POD_IP):2380",
                "--initial-advertise-peer-urls=http://demo-0.demo-peers.ns.svc:2380",
                "--initial-cluster=demo-0=http://demo-0.demo-peers.ns.svc:2380",
                "--initial-cluster-state=new",
                "--initial-cluster-token=ns-demo",
                "--snapshot-count=5000",
                "--auto-compaction-mode=periodic",
                "--auto-compaction-retention=1h",
                "--heartbeat-interval=100",
                "--election-timeout=1000");
        assertThat(pod.getSpec().getHostname()).isEqualTo("demo-0");
        assertThat(pod.getSpec().getSubdomain()).isEqualTo("demo-peers");
        assertThat(pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
                .isEqualTo("data-demo-0");
        assertThat(pod.getSpec().getInitContainers()).isEmpty();
        assertThat(pod.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("uid-1");
    }

    @Test
    void joiningMemberStartsWithTheWholeMembershipAndStateExisting() {
        var model = new ClusterModel(cluster(spec(3, null, null, null)), MemberCommands.ETCD);
        var second = new MemberName("demo", 1);
        var initial = InitialCluster.of(Map.of(
                "demo-0", model.urls(FIRST).peerUrl(), "demo-1", model.urls(second).peerUrl()),
                false);
        var args = model.pod(second, initial, false).getSpec().getContainers().get(0).getArgs();
        assertThat(args).contains("--initial-cluster-state=existing", "--initial-cluster="
                + "demo-0=http://demo-0.demo-peers.ns.svc:2380,"
                + "demo-1=http://demo-1.demo-peers.ns.svc:2380");
    }

    @ParameterizedTest
    @CsvSource({"1,1", "2,2", "3,2", "4,3", "5,3", "7,4"})
    void disruptionBudgetKeepsAQuorumAvailable(int size, int minAvailable) {
        var pdb = new ClusterModel(cluster(spec(size, null, null, null)), MemberCommands.ETCD)
                .podDisruptionBudget();
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(minAvailable);
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .containsEntry(Labels.CLUSTER, "demo");
    }

    @Test
    void peerServiceIsHeadlessAndPublishesUnreadyMembers() {
        var service = new ClusterModel(cluster(spec(3, null, null, null)), MemberCommands.ETCD)
                .peerService();
        assertThat(service.getMetadata().getName()).isEqualTo("demo-peers");
        assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
    }

    @Test
    void bootstrapFromSnapshotRestoresBeforeTheMemberStarts() {
        var model = new ClusterModel(cluster(spec(3, null, null,
                new Bootstrap(new VolumeLocation("backups", "daily/snap.db"), null))),
                MemberCommands.ETCD);
        var pod = model.pod(FIRST, ALONE, true);
        var init = pod.getSpec().getInitContainers().get(0);
        assertThat(init.getCommand()).containsSubsequence("etcdctl", "snapshot", "restore",
                "/var/lib/etcetera/restore/daily/snap.db", "--name", "demo-0",
                "--initial-cluster", "demo-0=http://demo-0.demo-peers.ns.svc:2380",
                "--data-dir", "/var/lib/etcd/data");
        assertThat(pod.getSpec().getVolumes()).anyMatch(v -> v.getPersistentVolumeClaim() != null
                && v.getPersistentVolumeClaim().getClaimName().equals("backups"));
    }

    @Test
    void bootstrapFromS3FetchesTheObjectWithSecretCredentialsThenRestoresIt() {
        var s3 = new S3Location("http://minio.backup:9000", "eu-west-1", "etcd", "daily/a b.db",
                "s3-credentials");
        var model = new ClusterModel(cluster(spec(3, null, null, new Bootstrap(null, s3))),
                MemberCommands.ETCD);
        var pod = model.pod(FIRST, ALONE, true);
        var fetch = pod.getSpec().getInitContainers().get(0);
        var restore = pod.getSpec().getInitContainers().get(1);
        assertThat(fetch.getImage()).isEqualTo(MemberCommands.DEFAULT_S3_FETCH_IMAGE);
        assertThat(fetch.getCommand()).containsSubsequence("curl", "--aws-sigv4",
                "aws:amz:eu-west-1:s3", "--user", "$(S3_ACCESS_KEY_ID):$(S3_SECRET_ACCESS_KEY)",
                "--output", "/var/lib/etcetera/restore/snapshot.db",
                "http://minio.backup:9000/etcd/daily/a%20b.db");
        assertThat(fetch.getEnv()).allMatch(e -> e.getValueFrom().getSecretKeyRef().getName()
                .equals("s3-credentials"));
        assertThat(restore.getCommand()).containsSubsequence("etcdctl", "snapshot", "restore",
                "/var/lib/etcetera/restore/snapshot.db", "--name", "demo-0");
        assertThat(pod.getSpec().getVolumes()).anyMatch(v -> v.getName().equals("restore")
                && v.getEmptyDir() != null);
    }

    @Test
    void aBootstrapNamingTwoSourcesIsRefused() {
        var both = new Bootstrap(new VolumeLocation("backups", "x.db"),
                new S3Location("http://s3", null, "b", "k", "c"));
        assertThatThrownBy(() -> new ClusterModel(cluster(spec(1, null, null, both)),
                MemberCommands.ETCD)).hasMessageContaining("exactly one of");
    }

    @Test
    void clientAndPeerTlsServeHttpsWithTheSecretsMounted() {
        var model = new ClusterModel(cluster(new EtcdClusterSpec(3, null, null, null, null, null,
                null, new TlsSpec("client-certs", "peer-certs", null), null, null, null, null)),
                MemberCommands.ETCD);
        var pod = model.pod(FIRST, ALONE, false);
        assertThat(pod.getSpec().getContainers().get(0).getArgs()).contains(
                "--advertise-client-urls=https://demo-0.demo-peers.ns.svc:2379",
                "--listen-peer-urls=https://$(POD_IP):2380",
                "--cert-file=/etc/etcd/tls/client/tls.crt",
                "--trusted-ca-file=/etc/etcd/tls/client/ca.crt", "--client-cert-auth=true",
                "--peer-key-file=/etc/etcd/tls/peer/tls.key", "--peer-client-cert-auth=true");
        assertThat(pod.getSpec().getVolumes()).anyMatch(v -> v.getSecret() != null
                && v.getSecret().getSecretName().equals("peer-certs"));
    }

    @Test
    void templateHashChangesWithTheImageButNotWithTheInitialCluster() {
        var a = new ClusterModel(cluster(spec(3, "img:1", null, null)), MemberCommands.ETCD);
        var b = new ClusterModel(cluster(spec(3, "img:2", null, null)), MemberCommands.ETCD);
        var joined = InitialCluster.of(Map.of("demo-0", URI.create("http://x:2380"),
                "demo-9", URI.create("http://y:2380")), false);
        String hash = a.pod(FIRST, ALONE, false).getMetadata().getAnnotations()
                .get(Labels.TEMPLATE_HASH);
        assertThat(a.pod(FIRST, joined, false).getMetadata().getAnnotations())
                .containsEntry(Labels.TEMPLATE_HASH, hash);
        assertThat(b.pod(FIRST, ALONE, false).getMetadata().getAnnotations()
                .get(Labels.TEMPLATE_HASH)).isNotEqualTo(hash);
    }

    @Test
    void memberNamesParseOnlyTheirOwnCluster() {
        assertThat(MemberName.parse("demo", "demo-12")).isEqualTo(new MemberName("demo", 12));
        assertThat(MemberName.parse("demo", "demo-x")).isNull();
        assertThat(MemberName.parse("demo", "other-1")).isNull();
        assertThat(MemberUrls.memberOfPeerUrl("demo",
                URI.create("http://demo-3.demo-peers.ns.svc:2380")))
                .isEqualTo(new MemberName("demo", 3));
    }
}
