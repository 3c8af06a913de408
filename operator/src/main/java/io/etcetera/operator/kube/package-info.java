/**
 * Kubernetes writes: apply a desired object (create it, or update it when its desired content
 * changed), delete one, list a cluster's pods and claims, record Events.
 *
 * <p>Idempotent: creating what exists and deleting what is gone are no-ops, so a step repeated
 * after an operator restart does no harm. Called on reconciler threads through a thread-safe
 * fabric8 client. Imports {@code model}.
 */
package io.etcetera.operator.kube;
