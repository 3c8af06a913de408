package io.etcetera.transport;

import io.etcetera.raft.pb.Message;
import io.etcetera.transport.pb.MessageBatch;
import io.etcetera.transport.pb.StreamEnd;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One long-lived outbound gRPC stream to a peer for one kind of Raft message, with its bounded
 * queue: a peer has a lane for MsgApp and one for everything else (etcd's msgappv2 and message
 * streams), each on its own TCP connection, so that heartbeats and votes never wait behind a large
 * MsgApp batch in a socket buffer.
 *
 * <p>Transitions, all made by the peer's sender thread:
 *
 * <pre>
 * IDLE ──connect──> CONNECTING ──peer answers headers──> ACTIVE
 *                        │                                  │
 *                        └──refused, failed, no answer──────┴──> BACKING_OFF
 * BACKING_OFF ──retryAt──> CONNECTING
 * </pre>
 *
 * <p>Threads: {@link #offer} from any thread (the raft loop); {@link #drain}, {@link #discard} and
 * every other field only on the peer's sender thread. Invariant: {@code queuedBytes} is the sum of
 * the serialized sizes of the queued messages, up to offers in progress.
 */
final class Lane {

    enum State {
        IDLE,
        CONNECTING,
        ACTIVE,
        BACKING_OFF
    }

    /** "message" or "append", for logs. */
    final String name;

    private final ArrayBlockingQueue<Message> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long queueBytesMax;

    /** True while the lane is backing off: offers fail at once instead of queueing stale work. */
    private volatile boolean down;

    /** The fields below belong to the sender thread. */
    State state = State.IDLE;

    ManagedChannel channel;
    ClientCall<MessageBatch, StreamEnd> call;

    /** When the current call was started, to give up on a peer that never answers. */
    Instant connectingSince = Instant.MIN;

    /** The current back-off; 0 after a success. */
    long backoffMillis;

    Instant retryAt = Instant.MIN;

    Lane(String name, int queueMessagesMax, long queueBytesMax) {
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(queueMessagesMax);
        this.queueBytesMax = queueBytesMax;
    }

    /**
     * Queues a message unless the lane is down or full; never blocks. A message larger than the
     * byte bound is taken when the queue is empty, so that it can go alone.
     */
    boolean offer(Message message, int bytes) {
        if (down) {
            return false;
        }
        long queued = queuedBytes.addAndGet(bytes);
        if (queued > queueBytesMax && queued != bytes) {
            queuedBytes.addAndGet(-bytes);
            return false;
        }
        if (!queue.offer(message)) {
            queuedBytes.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Takes the next batch in queue order: at least one message, then more while the batch stays
     * within both bounds. Sender thread only.
     */
    List<Message> drain(int messagesMax, int bytesMax) {
        List<Message> batch = new ArrayList<>(Math.min(messagesMax, queue.size()));
        long batchBytes = 0;
        Message next;
        while (batch.size() < messagesMax && (next = queue.peek()) != null) {
            int bytes = next.getSerializedSize();
            if (!batch.isEmpty() && batchBytes + bytes > bytesMax) {
                break;
            }
            queue.poll();
            batch.add(next);
            batchBytes += bytes;
        }
        queuedBytes.addAndGet(-batchBytes);
        return batch;
    }

    /** Drops every queued message; returns how many. Sender thread only. */
    int discard() {
        int discarded = 0;
        Message next;
        while ((next = queue.poll()) != null) {
            queuedBytes.addAndGet(-next.getSerializedSize());
            discarded++;
        }
        return discarded;
    }

    void markDown(boolean isDown) {
        down = isDown;
    }
}
