/**
 * The reconcilers of EtcdCluster and EtcdSnapshot, and what they need around them: configuration,
 * the observer that builds a pass's {@code Observation} from Kubernetes and the members, the
 * executor of one planned {@code Step}, scheduled snapshots, and the operator's metrics.
 *
 * <p>JOSDK calls each reconciler on its executor, never concurrently for the same resource. Every
 * pass observes from scratch, so an operator restarted in the middle of a change resumes it.
 * Imports every other operator package.
 */
package io.etcetera.operator.reconcile;
