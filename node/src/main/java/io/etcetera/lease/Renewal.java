package io.etcetera.lease;

import io.etcetera.lease.pb.LeaseCheckpointRequest;

import java.util.Optional;

/**
 * The result of a renewal on the leader.
 *
 * <p>Immutable.
 *
 * @param ttlSeconds the granted TTL, which the KeepAlive response carries
 * @param checkpointReset present when the lease has a checkpointed remaining TTL: the server
 *     proposes it through Raft so that no member keeps the old remaining TTL, which a later leader
 *     would otherwise start the renewed lease from. etcd waits for it to be applied before
 *     answering the KeepAlive; doing the same closes the window in which a leader change would
 *     shorten the lease. A lost proposal is proposed again at the next renewal.
 */
public record Renewal(long ttlSeconds, Optional<LeaseCheckpointRequest> checkpointReset) {}
