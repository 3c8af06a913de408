package io.etcetera.raft;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.quorum.JointConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader's ReadIndex requests that wait for a quorum to confirm its leadership (Raft thesis
 * §6.4, safe option).
 *
 * <p>Requests are numbered in arrival order: request {@code k} (1-based, over the leader's term)
 * is confirmed once a quorum of voters acknowledged a heartbeat whose context carries a position
 * of at least {@code k}. One heartbeat round thus confirms every request that arrived before it.
 * Invariants: {@code confirmedReads} counts the requests already released; the queue holds
 * requests {@code confirmedReads + 1 ..} in order, at most {@link #PENDING_MAX}. Confined to the
 * raft thread; a new instance per leader term.
 */
final class ReadOnly {

    /** Requests waiting for confirmation, at most; more are dropped. */
    static final int PENDING_MAX = 4096;

    /**
     * A request and the commit index it will be answered with.
     *
     * @param request the MsgReadIndex, from this node or forwarded by a follower
     * @param index the leader's commit index when the request arrived
     */
    record ReadIndexRequest(Message request, long index) {}

    private final ReadOnlyOption option;
    /** Per voter, the highest request position it acknowledged. */
    private final Map<Long, Long> acks = new HashMap<>();
    private final ArrayDeque<ReadIndexRequest> unconfirmed = new ArrayDeque<>();
    private long confirmedReads;

    ReadOnly(ReadOnlyOption option) {
        this.option = option;
    }

    ReadOnlyOption option() {
        return option;
    }

    boolean full() {
        return unconfirmed.size() >= PENDING_MAX;
    }

    /** Queues {@code request}, to be answered with {@code commitIndex} once confirmed. */
    void addRequest(long commitIndex, Message request) {
        unconfirmed.addLast(new ReadIndexRequest(request, commitIndex));
    }

    /** Records that {@code from} acknowledged a heartbeat carrying {@code context}. */
    void recvAck(long from, ByteString context) {
        if (context.size() == Long.BYTES) {
            long position = context.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong();
            acks.merge(from, position, Math::max);
        }
    }

    /** Releases the requests that a quorum of {@code voters} has now confirmed, oldest first. */
    List<ReadIndexRequest> maybeAdvance(JointConfig voters) {
        long confirmable = voters.committedIndex(id -> acks.getOrDefault(id, 0L));
        if (confirmable <= confirmedReads) {
            return List.of();
        }
        List<ReadIndexRequest> released = new ArrayList<>();
        while (confirmedReads < confirmable && !unconfirmed.isEmpty()) {
            released.add(unconfirmed.removeFirst());
            confirmedReads++;
        }
        return released;
    }

    /**
     * The heartbeat context that, once acknowledged by a quorum, confirms every pending request;
     * empty when nothing is pending.
     */
    ByteString heartbeatContext() {
        if (unconfirmed.isEmpty()) {
            return ByteString.EMPTY;
        }
        long position = confirmedReads + unconfirmed.size();
        ByteBuffer encoded = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        encoded.putLong(position).flip();
        return ByteString.copyFrom(encoded);
    }
}
