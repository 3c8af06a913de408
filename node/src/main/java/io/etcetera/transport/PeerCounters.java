package io.etcetera.transport;

import io.etcetera.metrics.LatencyHistogram;
import io.etcetera.metrics.MeterGroup;
import io.micrometer.core.instrument.Tags;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

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

    /** This peer's meters while it is known; null before {@link #register}. */
    private volatile MeterGroup meters;

    /** {@code etcd_network_peer_round_trip_time_seconds{To}}; null before {@link #register}. */
    private volatile LatencyHistogram roundTrip;

    /**
     * Registers etcd's per-peer network meters over these counters: bytes and failures each way,
     * round-trip times, and whether the link is {@code active}. Called once, by the transport.
     */
    void register(long localId, long peerId, BooleanSupplier active) {
        String local = PeerHeaders.id(localId);
        String peer = PeerHeaders.id(peerId);
        Tags to = Tags.of("To", peer);
        Tags from = Tags.of("From", peer);
        MeterGroup group = new MeterGroup()
                .counter("etcd_network_peer_sent_bytes_total", "Bytes sent to the peer.", to,
                        sentBytes, LongAdder::sum)
                .counter("etcd_network_peer_received_bytes_total", "Bytes received from the peer.",
                        from, receivedBytes, LongAdder::sum)
                .counter("etcd_network_peer_sent_failures_total",
                        "Messages to the peer dropped or lost with a broken link.", to, this,
                        counters -> counters.droppedMessages.sum()
                                + counters.streamFailures.sum())
                .counter("etcd_network_peer_received_failures_total",
                        "Messages from the peer this member could not take.", from,
                        receiveDrops, LongAdder::sum)
                .gauge("etcd_network_active_peers", "1 while a link to the peer is active.",
                        Tags.of("Local", local, "Remote", peer), active,
                        isActive -> isActive.getAsBoolean() ? 1 : 0);
        roundTrip = group.latency("etcd_network_peer_round_trip_time_seconds",
                "Round-trip times of probes to the peer.", to, 0.0001, 2, 14);
        meters = group;
    }

    /** A probe came back after {@code nanos}. */
    void observeRoundTrip(long nanos) {
        roundTripNanos = nanos;
        LatencyHistogram histogram = roundTrip;
        if (histogram != null) {
            histogram.record(nanos);
        }
    }

    /** Removes this peer's meters (the member left, or the transport closed). */
    void unregister() {
        MeterGroup group = meters;
        if (group != null) {
            group.close();
        }
    }

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
