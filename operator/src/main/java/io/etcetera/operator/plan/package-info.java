/**
 * The pure planner: compares what was observed (Kubernetes objects, etcd's member list, each
 * member's status) with what the spec asks for, and yields the one {@link
 * io.etcetera.operator.plan.Step}
 * to take next.
 *
 * <p>Rules it keeps: at most one membership change per pass; no step leaves fewer than a quorum of
 * healthy voters (the one exception is rolling a single-member cluster, which has no other way);
 * with quorum lost it only recreates missing pods and otherwise waits. Decisions read observed
 * state
 * only, so a restarted operator resumes a half-done change. No I/O, no clock (time is an argument).
 * Imports {@code model}.
 */
package io.etcetera.operator.plan;
