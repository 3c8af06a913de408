package io.etcetera.transport;

import java.time.Instant;
import java.util.Optional;

/**
 * A point-in-time copy of one peer's link state and traffic counters, both directions. Counters
 * only grow while the peer is known. etcd's metrics they feed: {@code
 * etcd_network_peer_sent_bytes_total{To}} ({@link #sentBytes}), {@code
 * etcd_network_peer_received_bytes_total{From}} ({@link #receivedBytes}), {@code
 * etcd_network_peer_sent_failures_total{To}} (etcd counts every dropped message and every failed
 * write: {@link #droppedMessages} plus {@link #streamFailures}), {@code
 * etcd_network_peer_received_failures_total{From}} ({@link #receiveDrops}), {@code
 * etcd_network_peer_round_trip_time_seconds{To}} ({@link #roundTripNanos}), {@code
 * etcd_network_active_peers{Local,Remote}} ({@link #active}) and the {@code
 * etcd_network_snapshot_*} counters. Immutable.
 *
 * @param active whether a link to the peer is open and was accepted by it
 * @param activeSince since when, as etcd's {@code ActiveSince}; empty while inactive
 * @param sentBytes Raft message bytes handed to gRPC for this peer (snapshot data included)
 * @param sentMessages Raft messages handed to gRPC
 * @param sentBatches gRPC messages those were batched into
 * @param droppedMessages messages dropped before gRPC: queue full, link down or broken
 * @param streamFailures links that failed to open or broke, calls the peer refused
 * @param receivedBytes Raft message bytes received from this peer (snapshot data included)
 * @param receivedMessages Raft messages received
 * @param receivedBatches gRPC messages those came in
 * @param receiveDrops received messages this member's inbox did not take
 * @param snapshotsSent snapshots the peer confirmed
 * @param snapshotSendFailures snapshots that failed to reach the peer
 * @param snapshotsReceived snapshots received, verified and accepted
 * @param snapshotReceiveFailures incoming snapshots discarded
 * @param roundTripNanos the last probe's round trip, -1 before the first
 * @param lastFailure the last link failure in words, empty when none
 */
public record PeerStats(
        boolean active,
        Optional<Instant> activeSince,
        long sentBytes,
        long sentMessages,
        long sentBatches,
        long droppedMessages,
        long streamFailures,
        long receivedBytes,
        long receivedMessages,
        long receivedBatches,
        long receiveDrops,
        long snapshotsSent,
        long snapshotSendFailures,
        long snapshotsReceived,
        long snapshotReceiveFailures,
        long roundTripNanos,
        String lastFailure) {}
