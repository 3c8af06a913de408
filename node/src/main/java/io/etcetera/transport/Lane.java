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
import java.util.concurrent.locks.ReentrantLock;

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
 * <p>Threads: {@link #offer} and {@link #trySend} from any thread (the raft loop), so that a
 * message goes out on the thread that made it when the stream takes it, without waking the sender
 * (a thread hop per message was a fifth of the raft loop's time and two hops on every write's
 * path); {@link #send} and {@link #replaceCall} from the sender. Sending, draining, discarding and
 * replacing the call happen under {@code sendLock}, so batches leave in queue order and a call is
 * never used by two threads at once. Every other field belongs to the sender thread. Invariant:
 * {@code queuedBytes} is the sum of the serialized sizes of the queued messages, up to offers in
 * progress.
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

    private final ReentrantLock sendLock = new ReentrantLock();

    /** The stream batches go on; null while the lane has none. Written under {@code sendLock}. */
    private volatile ClientCall<MessageBatch, StreamEnd> call;

    /** The fields below belong to the sender thread. */
    State state = State.IDLE;

    ManagedChannel channel;

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

    ClientCall<MessageBatch, StreamEnd> call() {
        return call;
    }

    /** Makes {@code next} (started, or null) the lane's call; returns the one it replaces. */
    ClientCall<MessageBatch, StreamEnd> replaceCall(ClientCall<MessageBatch, StreamEnd> next) {
        sendLock.lock();
        try {
            ClientCall<MessageBatch, StreamEnd> previous = call;
            call = next;
            return previous;
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends the next batch if the call takes more; waits for a send in progress. */
    boolean send(PeerLimits limits, PeerCounters counters) {
        sendLock.lock();
        try {
            return sendLocked(limits, counters);
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends the next batch unless another thread is sending or the call takes no more. */
    boolean trySend(PeerLimits limits, PeerCounters counters) {
        if (call == null || queue.isEmpty() || !sendLock.tryLock()) {
            return false;
        }
        try {
            return sendLocked(limits, counters);
        } finally {
            sendLock.unlock();
        }
    }

    private boolean sendLocked(PeerLimits limits, PeerCounters counters) {
        ClientCall<MessageBatch, StreamEnd> current = call;
        if (current == null || queue.isEmpty() || !current.isReady()) {
            return false;
        }
        List<Message> batch = drain(limits.batchMessagesMax(), limits.batchBytesMax());
        MessageBatch wire = MessageBatch.newBuilder().addAllMessages(batch).build();
        current.sendMessage(wire);
        counters.sentBatches.increment();
        counters.sentMessages.add(batch.size());
        counters.sentBytes.add(wire.getSerializedSize());
        return true;
    }

    /**
     * Takes the next batch in queue order: at least one message, then more while the batch stays
     * within both bounds. Under {@code sendLock}.
     */
    private List<Message> drain(int messagesMax, int bytesMax) {
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

    /** Drops every queued message; returns how many. */
    int discard() {
        sendLock.lock();
        try {
            return discardLocked();
        } finally {
            sendLock.unlock();
        }
    }

    private int discardLocked() {
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
