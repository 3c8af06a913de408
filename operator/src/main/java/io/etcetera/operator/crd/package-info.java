/**
 * The custom resources: {@link io.etcetera.operator.crd.EtcdCluster} and
 * {@link io.etcetera.operator.crd.EtcdSnapshot} (group {@code etcetera.io}, version {@code
 * v1alpha1}),
 * their specs and statuses.
 *
 * <p>Plain data, immutable records read by Jackson; no logic beyond defaults. The CRD YAML under
 * {@code crds/} is generated from these classes at build time. Imports nothing from the operator.
 */
package io.etcetera.operator.crd;
