package io.etcetera.server;

import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Snapshot;

import java.util.List;
import java.util.Optional;

/**
 * What the server loop waits on, as the {@code select} of etcd's {@code EtcdServer.run} does: an
 * apply batch from the raft loop, leases the lessor found expired, a fatal error, stop. Immutable
 * records.
 */
sealed interface ServerEvent {

    /**
     * Committed entries (and a snapshot to install first, from a leader) of one Ready, to apply in
     * order.
     */
    record Apply(Optional<Snapshot> snapshot, List<Entry> entries) implements ServerEvent {}

    /** Leases past their TTL on the leader: each is revoked through Raft. */
    record LeasesExpired(long[] leaseIds) implements ServerEvent {}

    /** A thread hit an error the member cannot continue after. */
    record Fatal(Throwable error) implements ServerEvent {}

    /** Stop the member. */
    record Stop() implements ServerEvent {}
}
