package io.etcetera.operator.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An etcd cluster (etcd itself or Etcetera) whose members the operator runs, scales, heals and
 * snapshots: one Pod and one PersistentVolumeClaim per member, a headless Service for stable peer
 * names, a client Service and a PodDisruptionBudget.
 */
@Group("etcetera.io")
@Version("v1alpha1")
@ShortNames("etcd")
public class EtcdCluster extends CustomResource<EtcdClusterSpec, EtcdClusterStatus>
        implements Namespaced {
}
