package io.etcetera.operator.model;

import io.etcetera.operator.crd.Bootstrap;
import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.S3Location;
import io.etcetera.operator.crd.VolumeReclaimPolicy;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects Kubernetes should hold for one {@link EtcdCluster}. Pure: it reads the resource and
 * the member commands, and builds new objects on each call.
 *
 * <p>Member pods run the member command with etcd's flags as container args. They listen on
 * {@code $(POD_IP)} (the kubelet expands it from the downward API) and advertise their stable DNS
 * name; health is served on a separate plain-http metrics port, so readiness works with client TLS.
 */
public final class ClusterModel {

    public static final String DATA_MOUNT = "/var/lib/etcd";
    public static final String DATA_DIR = DATA_MOUNT + "/data";
    public static final String RESTORE_MOUNT = "/var/lib/etcetera/restore";
    public static final int METRICS_PORT = 8080;
    /** Name of the fetched S3 object in the restore volume. */
    public static final String S3_RESTORE_FILE = "snapshot.db";
    private static final String TLS_MOUNT = "/etc/etcd/tls";
    /** SHA-256 of an empty body: the payload of a GET. */
    private static final String EMPTY_PAYLOAD_SHA256 =
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String ACCESS_KEY_ENV = "S3_ACCESS_KEY_ID";
    private static final String SECRET_KEY_ENV = "S3_SECRET_ACCESS_KEY";

    private final EtcdCluster cluster;
    private final ResolvedSpec spec;
    private final MemberCommands commands;

    public ClusterModel(EtcdCluster cluster, MemberCommands commands) {
        this.cluster = cluster;
        this.spec = ResolvedSpec.of(cluster.getSpec());
        this.commands = commands;
    }

    public ResolvedSpec spec() {
        return spec;
    }

    public String name() {
        return cluster.getMetadata().getName();
    }

    public String namespace() {
        return cluster.getMetadata().getNamespace();
    }

    public MemberUrls urls(MemberName member) {
        return new MemberUrls(member, namespace(), spec.clientTls(), spec.peerTls());
    }

    /** Headless Service giving every member a DNS name, published before the member is ready. */
    public Service peerService() {
        return new ServiceBuilder()
                .withMetadata(metadata(MemberUrls.peerServiceName(name())))
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(Labels.selector(name()))
                .addNewPort().withName("client").withPort(MemberUrls.CLIENT_PORT).endPort()
                .addNewPort().withName("peer").withPort(MemberUrls.PEER_PORT).endPort()
                .endSpec()
                .build();
    }

    /** The Service clients use: ready members only. */
    public Service clientService() {
        return new ServiceBuilder()
                .withMetadata(metadata(name() + "-client"))
                .withNewSpec()
                .withSelector(Labels.selector(name()))
                .addNewPort().withName("client").withPort(MemberUrls.CLIENT_PORT).endPort()
                .endSpec()
                .build();
    }

    /** Voluntary disruptions may never take the ready members below a quorum of {@code size}. */
    public PodDisruptionBudget podDisruptionBudget() {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(metadata(name()))
                .withNewSpec()
                .withMinAvailable(new IntOrString(Quorum.of(spec.size())))
                .withNewSelector().withMatchLabels(Labels.selector(name())).endSelector()
                .endSpec()
                .build();
    }

    public PersistentVolumeClaim volumeClaim(MemberName member) {
        var meta = metadata(member.claimName());
        if (spec.reclaimPolicy() == VolumeReclaimPolicy.Retain) {
            meta.setOwnerReferences(List.of());
        }
        meta.getLabels().put(Labels.MEMBER, member.value());
        return new PersistentVolumeClaimBuilder()
                .withMetadata(meta)
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(spec.storageClassName())
                .withNewResources().addToRequests("storage", new Quantity(spec.storageSize()))
                .endResources()
                .endSpec()
                .build();
    }

    /**
     * The Pod of {@code member}, started with {@code initial} as its initial cluster. When
     * {@code restore} is true init containers first restore the data dir from the bootstrap
     * snapshot (fetched from S3 first when it lives there), unless the data dir already exists (a
     * restarted pod keeps its data).
     */
    public Pod pod(MemberName member, InitialCluster initial, boolean restore) {
        var meta = metadata(member.value());
        meta.getLabels().put(Labels.MEMBER, member.value());
        meta.getLabels().putAll(nullToEmpty(spec.podTemplate().labels()));
        meta.getAnnotations().putAll(nullToEmpty(spec.podTemplate().annotations()));
        meta.getAnnotations().put(Labels.TEMPLATE_HASH, TemplateHash.of(spec, commands));
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("data").withNewPersistentVolumeClaim()
                .withClaimName(member.claimName()).endPersistentVolumeClaim().build());
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName("data").withMountPath(DATA_MOUNT).build());
        addTlsVolume("client", spec.tls().clientSecret(), volumes, mounts);
        addTlsVolume("peer", spec.tls().peerSecret(), volumes, mounts);
        List<Container> initContainers = new ArrayList<>();
        if (restore) {
            Bootstrap from = spec.restoreFrom().orElseThrow(
                    () -> new IllegalStateException("restore without a bootstrap source"));
            volumes.add(restoreVolume(from));
            List<VolumeMount> restoreMounts = new ArrayList<>(mounts);
            restoreMounts.add(new VolumeMountBuilder().withName("restore")
                    .withMountPath(RESTORE_MOUNT).withReadOnly(from.fromS3() == null).build());
            String file = RESTORE_MOUNT + "/" + (from.fromS3() != null ? S3_RESTORE_FILE
                    : from.fromSnapshot().path());
            if (from.fromS3() != null) {
                initContainers.add(s3FetchContainer(from.fromS3(), file, restoreMounts));
            }
            initContainers.add(restoreContainer(member, initial, file, restoreMounts));
        }
        return new PodBuilder()
                .withMetadata(meta)
                .withNewSpec()
                .withHostname(member.value())
                .withSubdomain(MemberUrls.peerServiceName(name()))
                .withRestartPolicy("Always")
                .withInitContainers(initContainers)
                .withContainers(memberContainer(member, initial, mounts))
                .withVolumes(volumes)
                .withAffinity(spec.podTemplate().affinity())
                .withNodeSelector(spec.podTemplate().nodeSelector())
                .withTolerations(spec.podTemplate().tolerations())
                .endSpec()
                .build();
    }

    private Container memberContainer(MemberName member, InitialCluster initial,
            List<VolumeMount> mounts) {
        return new ContainerBuilder()
                .withName("etcd")
                .withImage(spec.image())
                .withCommand(commands.member())
                .withArgs(MemberFlags.of(spec, urls(member), initial, TLS_MOUNT))
                .withEnv(new EnvVarBuilder().withName("POD_IP").withNewValueFrom()
                        .withNewFieldRef().withFieldPath("status.podIP").endFieldRef()
                        .endValueFrom().build())
                .addNewPort().withName("client").withContainerPort(MemberUrls.CLIENT_PORT).endPort()
                .addNewPort().withName("peer").withContainerPort(MemberUrls.PEER_PORT).endPort()
                .addNewPort().withName("metrics").withContainerPort(METRICS_PORT).endPort()
                .withNewReadinessProbe()
                .withNewHttpGet().withPath("/health").withPort(new IntOrString(METRICS_PORT))
                .endHttpGet()
                .withPeriodSeconds(5).withFailureThreshold(3)
                .endReadinessProbe()
                .withResources(spec.resources())
                .withVolumeMounts(mounts)
                .build();
    }

    private Container restoreContainer(MemberName member, InitialCluster initial, String file,
            List<VolumeMount> restoreMounts) {
        List<String> command = new ArrayList<>(unlessDataDirExists());
        command.addAll(commands.restore());
        command.add(file);
        command.addAll(List.of(
                "--name", member.value(),
                "--initial-cluster", initial.flagValue(),
                "--initial-cluster-token", MemberFlags.clusterToken(urls(member)),
                "--initial-advertise-peer-urls", urls(member).peerUrl().toString(),
                "--data-dir", DATA_DIR));
        return new ContainerBuilder()
                .withName("restore")
                .withImage(spec.image())
                .withCommand(command)
                .withVolumeMounts(restoreMounts)
                .build();
    }

    /**
     * Fetches the bootstrap object with curl's Signature V4 into {@code file}. The credentials
     * reach curl as {@code $(VAR)} references the kubelet expands from Secret-backed variables,
     * so they are never written into the Pod spec.
     */
    private Container s3FetchContainer(S3Location from, String file,
            List<VolumeMount> restoreMounts) {
        List<String> command = new ArrayList<>(unlessDataDirExists());
        command.addAll(List.of("curl", "--fail", "--silent", "--show-error",
                "--aws-sigv4", "aws:amz:" + from.regionOrDefault() + ":s3",
                // S3 requires the payload hash header; curl before 8.x does not send it itself.
                "--header", "x-amz-content-sha256: " + EMPTY_PAYLOAD_SHA256,
                "--user", "$(" + ACCESS_KEY_ENV + "):$(" + SECRET_KEY_ENV + ")",
                "--output", file, s3ObjectUrl(from)));
        return new ContainerBuilder()
                .withName("fetch")
                .withImage(commands.s3FetchImage())
                .withCommand(command)
                .withEnv(secretEnv(ACCESS_KEY_ENV, from.credentialsSecret(),
                                S3Location.ACCESS_KEY_ID),
                        secretEnv(SECRET_KEY_ENV, from.credentialsSecret(),
                                S3Location.SECRET_ACCESS_KEY))
                .withVolumeMounts(restoreMounts)
                .build();
    }

    /** Path-style URL of the object, each path segment percent-encoded where it must be. */
    static String s3ObjectUrl(S3Location from) {
        URI endpoint = URI.create(from.endpoint());
        try {
            return new URI(endpoint.getScheme(), endpoint.getRawAuthority(),
                    "/" + from.bucket() + "/" + from.key(), null, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bootstrap.fromS3 names no valid object URL: "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@code sh -c} prefix that runs the rest only while the data dir is absent: restore tools
     * refuse an existing data dir, and a pod re-created later keeps its data.
     */
    private static List<String> unlessDataDirExists() {
        return List.of("sh", "-c", "[ -e \"$0\" ] || exec \"$@\"", DATA_DIR);
    }

    private static EnvVar secretEnv(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
                .withName(secret).withKey(key).endSecretKeyRef().endValueFrom().build();
    }

    private static Volume restoreVolume(Bootstrap from) {
        if (from.fromS3() != null) {
            return new VolumeBuilder().withName("restore").withNewEmptyDir().endEmptyDir()
                    .build();
        }
        return new VolumeBuilder().withName("restore").withNewPersistentVolumeClaim()
                .withClaimName(from.fromSnapshot().claimName()).withReadOnly(true)
                .endPersistentVolumeClaim().build();
    }

    private void addTlsVolume(String kind, String secret, List<Volume> volumes,
            List<VolumeMount> mounts) {
        if (secret == null) {
            return;
        }
        volumes.add(new VolumeBuilder().withName("tls-" + kind).withNewSecret()
                .withSecretName(secret).endSecret().build());
        mounts.add(new VolumeMountBuilder().withName("tls-" + kind)
                .withMountPath(TLS_MOUNT + "/" + kind).withReadOnly(true).build());
    }

    private io.fabric8.kubernetes.api.model.ObjectMeta metadata(String objectName) {
        Map<String, String> labels = new HashMap<>(Labels.of(name()));
        return new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(objectName)
                .withNamespace(namespace())
                .withLabels(labels)
                .withAnnotations(new HashMap<>())
                .withOwnerReferences(ownerReference())
                .build();
    }

    private OwnerReference ownerReference() {
        return new OwnerReferenceBuilder()
                .withApiVersion(cluster.getApiVersion())
                .withKind(cluster.getKind())
                .withName(name())
                .withUid(cluster.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private static Map<String, String> nullToEmpty(Map<String, String> map) {
        return map != null ? map : Map.of();
    }
}
