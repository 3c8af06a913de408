package io.etcetera.server;

import io.etcetera.config.EtcdUrl;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.server.pb.MemberRecord;
import io.etcetera.transport.MemberRemovedException;
import io.etcetera.transport.PeerTransport;
import io.etcetera.transport.ReceivedSnapshot;
import io.etcetera.transport.SnapshotStatus;
import io.etcetera.transport.TransportListener;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Joins the raft loop and the peer transport (etcd's {@code raftNode} side of {@code rafthttp}):
 * the raft loop's messages go to the transport, a MsgSnap to the apply side first (which sends it
 * with the store's data, {@link MergedSnapshots}); what the transport receives and reports becomes
 * raft-inbox events; the transport's peers follow the applied membership.
 *
 * <p>Threads: {@link #accept} on the raft loop; the listener methods on transport threads (they
 * only enqueue, never block); {@link #onMembers} on the apply thread (and once at start). The
 * known peers' URLs are guarded by this object's monitor, held only to diff them.
 */
final class PeerLink implements TransportListener, Consumer<List<Message>> {

    private static final Logger LOG = Logger.getLogger(PeerLink.class);

    private final long memberId;
    private final RaftInbox inbox;
    private final Membership membership;
    /** Receives each MsgSnap the leader's Raft wants sent; must not block for long. */
    private final Consumer<Message> snapshots;
    /** Told when a peer refused this member as removed: the member stops. */
    private final Consumer<Throwable> removed;
    private PeerTransport transport;

    /** The peers the transport sends to, with their URLs; guarded by {@code this}. */
    private final Map<Long, List<String>> peerUrls = new HashMap<>();

    PeerLink(long memberId, RaftInbox inbox, Membership membership, Consumer<Message> snapshots,
            Consumer<Throwable> removed) {
        this.memberId = memberId;
        this.inbox = inbox;
        this.membership = membership;
        this.snapshots = snapshots;
        this.removed = removed;
    }

    /** The transport to send through; set once, before the raft loop starts. */
    void connect(PeerTransport peerTransport) {
        this.transport = peerTransport;
    }

    /** Raft loop: one Ready's messages. */
    @Override
    public void accept(List<Message> messages) {
        List<Message> plain = messages;
        for (Message message : messages) {
            if (message.getType() == MessageType.MsgSnap) {
                plain = withoutSnapshots(messages);
                break;
            }
        }
        transport.send(plain);
    }

    private List<Message> withoutSnapshots(List<Message> messages) {
        List<Message> plain = new ArrayList<>(messages.size());
        for (Message message : messages) {
            if (message.getType() == MessageType.MsgSnap) {
                snapshots.accept(message);
            } else {
                plain.add(message);
            }
        }
        return plain;
    }

    /**
     * Apply thread (or start): the transport sends to exactly the other members of {@code
     * members}, at their current peer URLs (etcd's {@code AddPeer}, {@code UpdatePeer}, {@code
     * RemovePeer} as conf changes apply).
     */
    synchronized void onMembers(List<MemberRecord> members) {
        Map<Long, List<String>> next = new HashMap<>();
        for (MemberRecord member : members) {
            if (member.getId() != memberId) {
                next.put(member.getId(), member.getPeerUrlsList());
            }
        }
        for (Long gone : List.copyOf(peerUrls.keySet())) {
            if (!next.containsKey(gone)) {
                transport.removePeer(gone);
                peerUrls.remove(gone);
            }
        }
        next.forEach((id, urls) -> {
            List<String> known = peerUrls.put(id, urls);
            if (known == null) {
                transport.addPeer(id, parse(urls));
            } else if (!known.equals(urls)) {
                transport.updatePeer(id, parse(urls));
            }
        });
    }

    private static List<EtcdUrl> parse(List<String> urls) {
        return urls.stream().map(EtcdUrl::parse).toList();
    }

    @Override
    public boolean onMessage(Message message) {
        return inbox.offer(new RaftEvent.Step(message));
    }

    @Override
    public boolean onSnapshot(ReceivedSnapshot snapshot) {
        LOG.infof("received a snapshot at index %d (%d bytes) from %x",
                snapshot.message().getSnapshot().getMetadata().getIndex(), snapshot.dataBytes(),
                snapshot.from());
        return inbox.offer(new RaftEvent.Step(snapshot.message()));
    }

    @Override
    public void onUnreachable(long peerId) {
        inbox.offer(new RaftEvent.ReportUnreachable(peerId));
    }

    @Override
    public void onSnapshotStatus(long peerId, SnapshotStatus status) {
        io.etcetera.raft.SnapshotStatus raftStatus = status == SnapshotStatus.FINISH
                ? io.etcetera.raft.SnapshotStatus.FINISH : io.etcetera.raft.SnapshotStatus.FAILURE;
        inbox.offer(new RaftEvent.ReportSnapshot(peerId, raftStatus));
    }

    @Override
    public void onMemberRemoved(MemberRemovedException removedException) {
        removed.accept(new MemberRemovedFatal(removedException.getMessage()));
    }

    @Override
    public boolean isIdRemoved(long id) {
        return membership.isRemoved(id);
    }

    /** The error a removed member stops with: etcd's words, and that this is no data damage. */
    static final class MemberRemovedFatal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MemberRemovedFatal(String message) {
            super(message);
        }
    }
}
