package io.etcetera.operator.model;

import java.util.Map;

/** Label keys and selectors shared by every object the operator makes for a cluster. */
public final class Labels {

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String CLUSTER = "etcetera.io/cluster";
    public static final String MEMBER = "etcetera.io/member";
    /** On EtcdSnapshots the schedule created; value is the cluster name. */
    public static final String SCHEDULED_FOR = "etcetera.io/scheduled-for";
    public static final String OPERATOR = "etcetera-operator";

    /** Annotation: hash of everything in a Pod that a rolling change replaces. */
    public static final String TEMPLATE_HASH = "etcetera.io/template-hash";

    private Labels() {}

    /** Selects every member Pod of {@code cluster}. */
    public static Map<String, String> selector(String cluster) {
        return Map.of(NAME, "etcd", CLUSTER, cluster);
    }

    public static Map<String, String> of(String cluster) {
        return Map.of(NAME, "etcd", INSTANCE, cluster, MANAGED_BY, OPERATOR, CLUSTER, cluster);
    }
}
