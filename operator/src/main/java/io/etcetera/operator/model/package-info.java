/**
 * The pure model: an {@code EtcdCluster} becomes the objects Kubernetes should hold for it — one
 * Pod
 * and one PersistentVolumeClaim per member, a headless peer Service (stable DNS names), a client
 * Service and a PodDisruptionBudget that never allows losing quorum.
 *
 * <p>No I/O, no clock, no Kubernetes client: same input, same objects. Imports only {@code crd}.
 * Called on the reconciler's thread.
 */
package io.etcetera.operator.model;
