package io.etcetera.server;

import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Snapshot;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the server loop waits on, as the {@code select} of etcd's {@code EtcdServer.run} does: an
 * apply batch from the raft loop, a fatal error, stop. (Expired leases come from the {@link
 * LeaseReaper}, which the loop runs between events.) Immutable
 * records.
 */
sealed interface ServerEvent {

    /**
     * Committed entries (and a snapshot to install first, from a leader) of one Ready, to apply in
     * order. {@code confRefusals} is completed once they are applied with the indexes of the conf
     * change entries among them that were refused (etcd's {@code ValidateConfigurationChange}):
     * the raft loop waits for it and leaves those out of Raft's configuration, as etcd applies a
     * refused change with node ID None.
     */
    record Apply(Optional<Snapshot> snapshot, List<Entry> entries,
                 CompletableFuture<Set<Long>> confRefusals) implements ServerEvent {}

    /** A thread hit an error the member cannot continue after. */
    record Fatal(Throwable error) implements ServerEvent {}

    /** Stop the member. */
    record Stop() implements ServerEvent {}
}
