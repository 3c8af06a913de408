package io.etcetera.transport;

import io.etcetera.invariants.Invariants;

/**
 * The bounds of the peer transport: every queue, batch, wait and retry it keeps has its maximum
 * here. Immutable.
 *
 * @param queueMessagesMax Raft messages a lane of one peer holds before it drops new ones (etcd's
 *     {@code streamBufSize})
 * @param queueBytesMax bytes of Raft messages a lane of one peer holds before it drops new ones
 * @param batchMessagesMax Raft messages in one gRPC message
 * @param batchBytesMax bytes of Raft messages in one gRPC message; a single larger message goes
 *     alone
 * @param reconnectBackoffMinMillis wait before the first retry of a failed link
 * @param reconnectBackoffMaxMillis the back-off doubles per failure up to this
 * @param acceptWaitMillisMax a link whose peer has not accepted it within this is given up
 * @param probeIntervalMillis how often the round-trip time to each peer is measured
 * @param snapshotChunkBytes state machine data per gRPC message of a snapshot
 * @param snapshotStallMillisMax a snapshot transfer that makes no progress this long is abandoned
 */
public record PeerLimits(
        int queueMessagesMax,
        long queueBytesMax,
        int batchMessagesMax,
        int batchBytesMax,
        long reconnectBackoffMinMillis,
        long reconnectBackoffMaxMillis,
        long acceptWaitMillisMax,
        long probeIntervalMillis,
        int snapshotChunkBytes,
        long snapshotStallMillisMax) {

    /**
     * etcd's stream buffer of 4096 messages; 32 MiB so that five peers' queues stay within a heap a
     * member can spare; batches of up to 2048 messages (etcd flushes after half its buffer) or 1
     * MiB; back-off from 50 ms to 1 s (etcd redials every 100 ms); 5 s for a peer to accept a link
     * (etcd's {@code ConnReadTimeout}); a probe every 5 s; 256 KiB snapshot chunks; a stalled
     * snapshot abandoned after 30 s.
     */
    public static final PeerLimits DEFAULT =
            new PeerLimits(4096, 32L << 20, 2048, 1 << 20, 50, 1000, 5000, 5000, 256 << 10, 30_000);

    /** The largest gRPC message a peer accepts: a batch, or one large Raft message. */
    public static final int INBOUND_MESSAGE_BYTES_MAX = 256 << 20;

    public PeerLimits {
        Invariants.check(queueMessagesMax > 0, "queueMessagesMax(%d) <= 0", queueMessagesMax);
        Invariants.check(queueBytesMax > 0, "queueBytesMax(%d) <= 0", queueBytesMax);
        Invariants.check(batchMessagesMax > 0, "batchMessagesMax(%d) <= 0", batchMessagesMax);
        Invariants.check(
                batchBytesMax > 0 && batchBytesMax <= INBOUND_MESSAGE_BYTES_MAX,
                "batchBytesMax(%d) not in (0, %d]",
                batchBytesMax,
                INBOUND_MESSAGE_BYTES_MAX);
        Invariants.check(
                reconnectBackoffMinMillis > 0
                        && reconnectBackoffMinMillis <= reconnectBackoffMaxMillis,
                "reconnect back-off min(%d) must be positive and <= max(%d)",
                reconnectBackoffMinMillis,
                reconnectBackoffMaxMillis);
        Invariants.check(
                acceptWaitMillisMax > 0, "acceptWaitMillisMax(%d) <= 0", acceptWaitMillisMax);
        Invariants.check(
                probeIntervalMillis > 0, "probeIntervalMillis(%d) <= 0", probeIntervalMillis);
        Invariants.check(
                snapshotChunkBytes > 0 && snapshotChunkBytes <= INBOUND_MESSAGE_BYTES_MAX / 2,
                "snapshotChunkBytes(%d) out of range",
                snapshotChunkBytes);
        Invariants.check(
                snapshotStallMillisMax > 0,
                "snapshotStallMillisMax(%d) <= 0",
                snapshotStallMillisMax);
    }
}
