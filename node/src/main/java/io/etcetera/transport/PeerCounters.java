package io.etcetera.transport;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Traffic counters of one peer, both directions, for {@link PeerStats} and later for etcd's
 * metrics. Written by the peer's sender thread, gRPC I/O threads and snapshot threads, read by
 * anyone: every field is a {@link LongAdder} or volatile.
 */
final class PeerCounters {

    final LongAdder sentBytes = new LongAdder();
    final LongAdder sentMessages = new LongAdder();
    final LongAdder sentBatches = new LongAdder();

    /** Messages never handed to gRPC: queue full, lane down, queue discarded when a link broke. */
    final LongAdder droppedMessages = new LongAdder();

    /** Links that broke or failed to open, and refused calls. */
    final LongAdder streamFailures = new LongAdder();

    final LongAdder receivedBytes = new LongAdder();
    final LongAdder receivedMessages = new LongAdder();
    final LongAdder receivedBatches = new LongAdder();

    /** Received messages this member's inbox did not take. */
    final LongAdder receiveDrops = new LongAdder();

    final LongAdder snapshotsSent = new LongAdder();
    final LongAdder snapshotSendFailures = new LongAdder();
    final LongAdder snapshotsReceived = new LongAdder();
    final LongAdder snapshotReceiveFailures = new LongAdder();

    /** The last probe's round trip; -1 until one returned. */
    volatile long roundTripNanos = -1;

    /** What went wrong last on a link to this peer, in words; empty when nothing has. */
    volatile String lastFailure = "";

    PeerStats snapshot(boolean active, Optional<Instant> activeSince) {
        return new PeerStats(
                active,
                activeSince,
                sentBytes.sum(),
                sentMessages.sum(),
                sentBatches.sum(),
                droppedMessages.sum(),
                streamFailures.sum(),
                receivedBytes.sum(),
                receivedMessages.sum(),
                receivedBatches.sum(),
                receiveDrops.sum(),
                snapshotsSent.sum(),
                snapshotSendFailures.sum(),
                snapshotsReceived.sum(),
                snapshotReceiveFailures.sum(),
                roundTripNanos,
                lastFailure);
    }
}
