package io.etcetera.operator.model;

import io.etcetera.operator.crd.Bootstrap;
import io.etcetera.operator.crd.EtcdClusterSpec;
import io.etcetera.operator.crd.MemberOptions;
import io.etcetera.operator.crd.PodTemplate;
import io.etcetera.operator.crd.SnapshotSchedule;
import io.etcetera.operator.crd.TlsSpec;
import io.etcetera.operator.crd.VolumeReclaimPolicy;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Optional;

/**
 * An {@link EtcdClusterSpec} with every default applied, so no caller meets a {@code null}.
 *
 * <p>Invariant: {@code size >= 1}, {@code unhealthyMemberGraceSeconds >= 0}; a present
 * {@code restoreFrom} names exactly one source (a claim file or an S3 object).
 */
public record ResolvedSpec(
        int size,
        String image,
        String storageSize,
        String storageClassName,
        VolumeReclaimPolicy reclaimPolicy,
        ResourceRequirements resources,
        PodTemplate podTemplate,
        MemberOptions options,
        TlsSpec tls,
        Optional<SnapshotSchedule> snapshots,
        Optional<Bootstrap> restoreFrom,
        int unhealthyMemberGraceSeconds,
        boolean paused) {

    public static final String DEFAULT_VERSION = "3.4.23";
    public static final String IMAGE_REPOSITORY = "quay.io/coreos/etcd";
    public static final int DEFAULT_SIZE = 3;
    public static final int DEFAULT_GRACE_SECONDS = 120;

    public ResolvedSpec {
        if (size < 1) {
            throw new IllegalArgumentException("size(" + size + ") < 1");
        }
        if (unhealthyMemberGraceSeconds < 0) {
            throw new IllegalArgumentException(
                    "unhealthyMemberGraceSeconds(" + unhealthyMemberGraceSeconds + ") < 0");
        }
        boolean oneSource = restoreFrom.map(b -> (b.fromSnapshot() == null) != (b.fromS3() == null))
                .orElse(true);
        if (!oneSource) {
            throw new IllegalArgumentException(
                    "bootstrap needs exactly one of fromSnapshot or fromS3");
        }
    }

    public static ResolvedSpec of(EtcdClusterSpec spec) {
        EtcdClusterSpec s = spec != null ? spec
                : new EtcdClusterSpec(null, null, null, null, null, null, null, null, null, null,
                        null, null);
        String version = s.version() != null ? s.version() : DEFAULT_VERSION;
        String image = s.image() != null ? s.image() : IMAGE_REPOSITORY + ":v" + version;
        var storage = s.storage();
        return new ResolvedSpec(
                s.size() != null ? s.size() : DEFAULT_SIZE,
                image,
                storage != null && storage.size() != null ? storage.size() : "1Gi",
                storage != null ? storage.storageClassName() : null,
                storage != null && storage.reclaimPolicy() != null ? storage.reclaimPolicy()
                        : VolumeReclaimPolicy.Delete,
                s.resources(),
                s.podTemplate() != null ? s.podTemplate()
                        : new PodTemplate(null, null, null, null, null),
                s.options() != null ? s.options()
                        : new MemberOptions(null, null, null, null, null, null),
                s.tls() != null ? s.tls() : new TlsSpec(null, null, null),
                Optional.ofNullable(s.snapshots()).filter(p -> p.schedule() != null),
                Optional.ofNullable(s.bootstrap())
                        .filter(b -> b.fromSnapshot() != null || b.fromS3() != null),
                s.unhealthyMemberGraceSeconds() != null ? s.unhealthyMemberGraceSeconds()
                        : DEFAULT_GRACE_SECONDS,
                Boolean.TRUE.equals(s.paused()));
    }

    public boolean clientTls() {
        return tls.clientSecret() != null;
    }

    public boolean peerTls() {
        return tls.peerSecret() != null;
    }
}
