package io.etcetera.transport;

import io.etcetera.raft.pb.Message;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A member's side of the transport for tests: records everything the transport reports, with an
 * inbox that takes at most {@code inboxMax} messages (as a raft loop's bounded inbox would) and a
 * set of members it says were removed. Thread-safe.
 */
final class RecordingListener implements TransportListener {

    record SnapshotOutcome(long peerId, SnapshotStatus status) {}

    /** A message as the inbox took it, with {@code System.nanoTime()} at that moment. */
    record Received(Message message, long atNanos) {}

    final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();

    /** One permit per message the inbox took. */
    final Semaphore arrivals = new Semaphore(0);

    final LinkedBlockingQueue<ReceivedSnapshot> snapshots = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<SnapshotOutcome> snapshotOutcomes = new LinkedBlockingQueue<>();
    final List<Long> unreachable = new CopyOnWriteArrayList<>();
    final List<MemberRemovedException> removals = new CopyOnWriteArrayList<>();
    final Set<Long> removedIds = ConcurrentHashMap.newKeySet();

    /** Messages the inbox takes before it refuses more. */
    volatile int inboxMax = Integer.MAX_VALUE;

    volatile boolean takesSnapshots = true;

    @Override
    public boolean onMessage(Message message) {
        if (inbox.size() >= inboxMax) {
            return false;
        }
        inbox.add(new Received(message, System.nanoTime()));
        arrivals.release();
        return true;
    }

    /** The messages the inbox took, in arrival order. */
    List<Message> messages() {
        return inbox.stream().map(Received::message).toList();
    }

    @Override
    public boolean onSnapshot(ReceivedSnapshot snapshot) {
        if (!takesSnapshots) {
            return false;
        }
        snapshots.add(snapshot);
        return true;
    }

    @Override
    public void onUnreachable(long peerId) {
        unreachable.add(peerId);
    }

    @Override
    public void onSnapshotStatus(long peerId, SnapshotStatus status) {
        snapshotOutcomes.add(new SnapshotOutcome(peerId, status));
    }

    @Override
    public void onMemberRemoved(MemberRemovedException removed) {
        removals.add(removed);
    }

    @Override
    public boolean isIdRemoved(long memberId) {
        return removedIds.contains(memberId);
    }
}
