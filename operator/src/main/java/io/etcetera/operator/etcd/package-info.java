/**
 * The only code that calls members: etcd's v3 gRPC Cluster and Maintenance services, one channel
 * per member endpoint (plaintext, or TLS with the operator's client certificate), every call with a
 * deadline.
 *
 * <p>Uses the generated stubs of jetcd-grpc 0.8.5 directly rather than jetcd's {@code Client}: the
 * operator must address one member at a time (status of each member; MoveLeader only on the
 * leader),
 * and jetcd 0.8.5 has no MemberPromote (see {@link io.etcetera.operator.etcd.MemberPromote}).
 * Called on reconciler threads; channels are thread-safe and cached per endpoint.
 * Imports nothing from the operator.
 */
package io.etcetera.operator.etcd;
