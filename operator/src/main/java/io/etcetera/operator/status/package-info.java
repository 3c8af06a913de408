/**
 * Status of the custom resources: conditions (Available, Progressing, Degraded) with reasons, and
 * the one builder per resource that makes the next status from the prior status, the generation
 * reconciled and what the pass observed and did. A condition's lastTransitionTime changes only
 * when its status does, so an unchanged cluster produces an equal status and no patch.
 *
 * <p>Pure: time is an argument. Imports {@code crd}, {@code model}, {@code plan}.
 */
package io.etcetera.operator.status;
