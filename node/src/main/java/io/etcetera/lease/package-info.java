/**
 * The lessor: etcd's leases ({@code server/lease}), and the expiry queue and checkpoint schedule
 * the leader's lease reaper drains. See {@link io.etcetera.lease.Lessor} for who calls what.
 *
 * <p>Imports only the leaves ({@code invariants}, {@code metrics}) and protobuf; it touches no
 * storage. A lease is persisted as a record ({@link io.etcetera.lease.LeaseRecords}: key {@code
 * "lease/" BE64(id)}, value a {@code LeaseRecord} of {@code lease.proto}) that the lessor hands to
 * a sink the server points at the apply batch, so it is written atomically with the applied index
 * that covers it; the server reads the records back at open and passes them to {@link
 * io.etcetera.lease.Lessor#recover}. Which keys are attached to a lease is kept by the mvcc store,
 * not here.
 *
 * <p>Threads: the apply thread applies grants, revokes and checkpoints and promotes; gRPC threads
 * renew and read; the lease reaper on the leader drains expired leases and due checkpoints and
 * proposes them through Raft; demotion comes from whichever thread sees leadership end. One lock
 * inside {@link io.etcetera.lease.Lessor} guards it all; time comes only from an injected {@link
 * java.time.InstantSource}.
 */
package io.etcetera.lease;
