package io.etcetera.server;

import io.etcetera.metrics.ServerMetrics;
import io.etcetera.metrics.StructuredMessage;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Notices a leader that sends its heartbeats late (etcd's {@code contention.TimeoutDetector} in the
 * raft node): when two heartbeats to the same follower leave more than twice the heartbeat interval
 * apart, the leader was blocked (usually by a slow disk), so it counts {@code
 * etcd_server_heartbeat_send_failures_total} and logs the delay, as etcd does. Forgets every peer
 * when this member is not the leader, so a new term starts clean.
 *
 * <p>Confined to the raft loop. Allocates nothing per heartbeat: a handful of peers live in two
 * parallel arrays.
 */
final class HeartbeatDelays {

    private static final Logger LOG = Logger.getLogger(HeartbeatDelays.class);

    private final long heartbeatMillis;
    private final long delayMillisMax;
    private long[] peerIds = new long[0];
    /** When the last heartbeat left for {@code peerIds[i]}. */
    private long[] sentMillis = new long[0];

    HeartbeatDelays(long heartbeatMillis) {
        this.heartbeatMillis = heartbeatMillis;
        this.delayMillisMax = 2 * heartbeatMillis;
    }

    /** Observes the messages of one Ready, sent at {@code nowMillis}. */
    void observe(boolean leader, List<Message> messages, long nowMillis) {
        if (!leader) {
            if (peerIds.length > 0) {
                peerIds = new long[0];
                sentMillis = new long[0];
            }
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            if (message.getType() == MessageType.MsgHeartbeat) {
                observe(message.getTo(), nowMillis);
            }
        }
    }

    private void observe(long to, long nowMillis) {
        int slot = slotOf(to);
        if (slot < 0) {
            peerIds = Arrays.copyOf(peerIds, peerIds.length + 1);
            sentMillis = Arrays.copyOf(sentMillis, sentMillis.length + 1);
            slot = peerIds.length - 1;
            peerIds[slot] = to;
        } else {
            long delayMillis = nowMillis - sentMillis[slot];
            if (delayMillis > delayMillisMax) {
                ServerMetrics.HEARTBEAT_SEND_FAILURES.increment();
                LOG.warn(StructuredMessage.of("leader failed to send out heartbeat on time; took"
                                + " too long, leader is overloaded likely from slow disk",
                        "to", Long.toHexString(to),
                        "heartbeat-interval", Duration.ofMillis(heartbeatMillis),
                        "expected-duration", Duration.ofMillis(delayMillisMax),
                        "exceeded-duration", Duration.ofMillis(delayMillis - delayMillisMax)));
            }
        }
        sentMillis[slot] = nowMillis;
    }

    private int slotOf(long peerId) {
        for (int i = 0; i < peerIds.length; i++) {
            if (peerIds[i] == peerId) {
                return i;
            }
        }
        return -1;
    }
}
