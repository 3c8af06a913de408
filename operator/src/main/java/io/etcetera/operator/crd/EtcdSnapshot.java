package io.etcetera.operator.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One snapshot of an {@link EtcdCluster}'s key space, taken once through
 * {@code Maintenance.Snapshot} from a healthy member, checked against the SHA-256 etcd appends to
 * the
 * stream, and written to a volume path or an S3-compatible bucket. Terminal once Succeeded or
 * Failed.
 */
@Group("etcetera.io")
@Version("v1alpha1")
@ShortNames("etcdsnap")
public class EtcdSnapshot extends CustomResource<EtcdSnapshotSpec, EtcdSnapshotStatus>
        implements Namespaced {
}
