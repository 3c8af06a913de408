package io.etcetera.transport;

import io.etcetera.config.EtcdUrl;
import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.grpc.Metadata;
import io.grpc.ServerServiceDefinition;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The member's peer transport, after etcd's {@code rafthttp.Transport} over gRPC: sends the Raft
 * messages of each {@code Ready} to peers over long-lived, batched gRPC streams, streams snapshots,
 * receives both from peers on the peer URLs, and tells the member what it must know ({@link
 * TransportListener}). How it works is in the package documentation.
 *
 * <p>Caller's duties, in order:
 *
 * <ol>
 *   <li>Make it with this member's identity, a listener and a clock; {@link #start} binds the peer
 *       URLs.
 *   <li>{@link #addPeer} every other member (their peer URLs), {@link #updatePeer} when URLs
 *       change, {@link #removePeer} when a member leaves: from any thread, never blocking.
 *   <li>From the raft loop, {@link #send} each {@code Ready}'s messages except MsgSnap, and hand
 *       each MsgSnap with its state machine data to {@link #sendSnapshot}. Neither blocks: a full
 *       queue drops and reports the peer unreachable, and Raft recovers.
 *   <li>Feed the listener's reports into the {@code RawNode}, install received snapshots, stop the
 *       member on {@link TransportListener#onMemberRemoved}.
 *   <li>{@link #close} once; it joins every thread the transport started.
 * </ol>
 *
 * <p>Threads it starts: {@code etcetera-peer-accept} (1) and {@code etcetera-peer-io} ({@link
 * #IO_THREADS}) for all network I/O both ways; {@code etcetera-peer-sender-<id>} (one per peer);
 * {@code etcetera-peer-snapshot-send} (up to {@link #SNAPSHOT_SENDS_MAX}, while sending); {@code
 * etcetera-peer-snapshot-receive} (1). Public methods are thread-safe.
 */
public final class PeerTransport implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PeerTransport.class.getName());

    /** How long {@link #close} lets each part finish before it cuts. */
    static final long STOP_GRACE_MILLIS = 2000;

    /** I/O threads end once no work came for this long. */
    private static final long IO_QUIET_MILLIS = 50;

    /** Snapshots sent at the same time, over all peers; Raft sends one per follower at most. */
    static final int SNAPSHOT_SENDS_MAX = 4;

    /** Network I/O threads, shared by the listeners and every peer link. */
    static final int IO_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final PeerTransportConfig config;
    private final TransportListener listener;
    private final InstantSource clock;
    private final EventLoopGroup acceptGroup =
            new NioEventLoopGroup(1, new DefaultThreadFactory("etcetera-peer-accept", true));
    private final EventLoopGroup ioGroup =
            new NioEventLoopGroup(IO_THREADS, new DefaultThreadFactory("etcetera-peer-io", true));
    private final ThreadPoolExecutor snapshotSends =
            new ThreadPoolExecutor(
                    0,
                    SNAPSHOT_SENDS_MAX,
                    60,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    new DefaultThreadFactory("etcetera-peer-snapshot-send", true));
    private final ConcurrentHashMap<Long, Peer> peers = new ConcurrentHashMap<>();

    /** Removed peers whose sender may still be ending, for {@link #close} to join. */
    private final ConcurrentLinkedQueue<Peer> retired = new ConcurrentLinkedQueue<>();

    private final ConcurrentHashMap<Long, PeerCounters> counters = new ConcurrentHashMap<>();
    private final AtomicBoolean removalReported = new AtomicBoolean();
    private final PeerChannels channels;
    private final SnapshotReceiver snapshotReceiver;
    private final PeerService service;
    private final PeerPort port;
    private volatile boolean closed;

    /**
     * @param config this member's identity, peer URLs, snapshot directory, TLS and limits
     * @param listener where received messages and reports go; must never block
     * @param clock the source of {@code activeSince}, back-off and round-trip times
     * @param extraServices further gRPC services for the peer URLs (e.g. the server's membership or
     *     lease forwarding); like the transport's own, they run on I/O threads and never block
     */
    public PeerTransport(
            PeerTransportConfig config,
            TransportListener listener,
            InstantSource clock,
            List<ServerServiceDefinition> extraServices) {
        this.config = config;
        this.listener = listener;
        this.clock = clock;
        PeerHeaders headers =
                new PeerHeaders(
                        config.memberId(),
                        config.clusterId(),
                        config.advertisePeerUrls(),
                        listener::isIdRemoved);
        this.channels = new PeerChannels(ioGroup, config.tls(), headers);
        this.snapshotReceiver =
                new SnapshotReceiver(
                        config.memberId(), config.snapshotDir(), listener, this::counters);
        this.service =
                new PeerService(
                        headers, listener, this::counters, this::onCaller, snapshotReceiver);
        List<ServerServiceDefinition> services = new ArrayList<>(extraServices);
        services.add(0, service.definition());
        Optional<SslContext> serverTls = config.tls().flatMap(PeerTls::server);
        this.port =
                new PeerPort(config.listenPeerUrls(), serverTls, services, acceptGroup, ioGroup);
    }

    /** Removes partial snapshot files of an earlier run and binds the listen peer URLs. */
    public void start() throws IOException {
        try {
            snapshotReceiver.removePartialFiles();
            port.start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The bound listen addresses, in URL order (with the chosen port where a URL gave 0). */
    public List<InetSocketAddress> listenAddresses() {
        return port.addresses();
    }

    /**
     * Starts sending to a member at its peer URLs (etcd's {@code AddPeer}). A member already added
     * stays as it is (see {@link #updatePeer}); one that called in first is adopted.
     */
    public void addPeer(long id, List<EtcdUrl> peerUrls) {
        Invariants.check(
                id != config.memberId(), "member %s cannot be its own peer", PeerHeaders.id(id));
        startPeer(id, peerUrls, false);
    }

    /** New peer URLs for a member; its links reopen to them. Unknown members are ignored. */
    public void updatePeer(long id, List<EtcdUrl> peerUrls) {
        Peer peer = peers.get(id);
        if (peer != null) {
            peer.updateUrls(peerUrls);
        }
    }

    /**
     * Stops sending to a member and forgets it (etcd's {@code RemovePeer}); its queued messages are
     * dropped. Returns at once; the peer's thread ends on its own.
     */
    public void removePeer(long id) {
        Peer peer = peers.remove(id);
        if (peer != null) {
            peer.stop();
            retired.removeIf(Peer::hasEnded);
            retired.add(peer);
            PeerCounters removed = counters.remove(id);
            if (removed != null) {
                removed.unregister();
            }
            LOG.log(Level.INFO, "removed remote peer " + PeerHeaders.id(id));
        }
    }

    /**
     * Queues each message for its peer and returns; never blocks. Messages to unknown members or
     * with {@code to == 0} are ignored (etcd's {@code Send}). A message dropped because its peer's
     * queue is full or its link is down is counted, and the peer reported unreachable once per
     * call.
     *
     * @throws IllegalStateException for a MsgSnap: those go through {@link #sendSnapshot}
     */
    public void send(List<Message> messages) {
        List<Long> unreachable = null;
        for (Message message : messages) {
            long to = message.getTo();
            Invariants.check(
                    message.getType() != MessageType.MsgSnap,
                    "a MsgSnap (to %d) must go through sendSnapshot with its data",
                    to);
            Peer peer = to == 0 ? null : peers.get(to);
            if (peer == null || peer.offer(message)) {
                continue;
            }
            if (unreachable == null) {
                unreachable = new ArrayList<>(2);
            }
            if (!unreachable.contains(to)) {
                unreachable.add(to);
            }
        }
        for (Peer peer : peers.values()) {
            peer.flush();
        }
        if (unreachable != null) {
            unreachable.forEach(listener::onUnreachable);
        }
    }

    /**
     * Streams a MsgSnap and its data to its peer on a snapshot-send thread and returns at once. The
     * outcome arrives through {@link TransportListener#onSnapshotStatus}; when the snapshot cannot
     * even start (unknown peer, one already in flight to it, {@link #SNAPSHOT_SENDS_MAX} in
     * flight), it fails at once and its data is closed.
     */
    public void sendSnapshot(OutgoingSnapshot snapshot) {
        long to = snapshot.message().getTo();
        Peer peer = peers.get(to);
        if (peer == null || closed) {
            refuseSnapshot(snapshot, closed ? "transport closed" : "unknown peer");
            return;
        }
        if (!peer.tryBeginSnapshot()) {
            refuseSnapshot(snapshot, "a snapshot to it is in flight");
            return;
        }
        try {
            snapshotSends.execute(
                    new SnapshotSender(
                            peer,
                            snapshot,
                            channels,
                            config.limits(),
                            listener,
                            this::onMemberRemoved,
                            clock));
        } catch (RejectedExecutionException e) {
            peer.endSnapshot();
            refuseSnapshot(snapshot, SNAPSHOT_SENDS_MAX + " snapshots in flight");
        }
    }

    private void refuseSnapshot(OutgoingSnapshot snapshot, String why) {
        long to = snapshot.message().getTo();
        LOG.log(Level.WARNING, "not sending snapshot to " + PeerHeaders.id(to) + ": " + why);
        try (InputStream data = snapshot.data()) {
            counters(to).snapshotSendFailures.increment();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing snapshot data failed", e);
        }
        listener.onSnapshotStatus(to, SnapshotStatus.FAILURE);
    }

    /** Since when a link to the member is active (etcd's {@code ActiveSince}); empty if not. */
    public Optional<Instant> activeSince(long id) {
        Peer peer = peers.get(id);
        return peer == null ? Optional.empty() : peer.activeSince();
    }

    /** How many peers have an active link (etcd's {@code ActivePeers}). */
    public int activePeerCount() {
        return (int) peers.values().stream().filter(peer -> peer.activeSince().isPresent()).count();
    }

    /** The members this transport sends to, remotes included. */
    public List<Long> peerIds() {
        return List.copyOf(peers.keySet());
    }

    /** Link state and counters of one member, both directions; zero for a stranger. */
    public PeerStats stats(long id) {
        Peer peer = peers.get(id);
        Optional<Instant> since = peer == null ? Optional.empty() : peer.activeSince();
        PeerCounters known = counters.get(id);
        return (known == null ? new PeerCounters() : known).snapshot(since.isPresent(), since);
    }

    /** Calls from peers refused so far: wrong cluster, removed member, wrong target. */
    public long refusedCalls() {
        return service.refusedCalls();
    }

    /**
     * Stops accepting and cuts inbound calls, stops every peer, waits for snapshot transfers to
     * end, and joins every thread. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        try {
            port.shutdownNow(STOP_GRACE_MILLIS);
            List<Peer> stopping = new ArrayList<>(retired);
            for (Long id : List.copyOf(peers.keySet())) {
                Peer peer = peers.remove(id);
                if (peer != null) {
                    peer.stop();
                    stopping.add(peer);
                }
            }
            for (Peer peer : stopping) {
                peer.join(STOP_GRACE_MILLIS);
            }
            snapshotSends.shutdownNow();
            snapshotSends.awaitTermination(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            snapshotReceiver.close();
            counters.values().forEach(PeerCounters::unregister);
            // Channels of links that broke just before may still be closing on the I/O threads.
            ioGroup.shutdownGracefully(IO_QUIET_MILLIS, STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)
                    .await();
            acceptGroup.shutdownGracefully(0, STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS).await();
            // Netty's shared executor thread (started by gRPC's channel close) ends once idle.
            GlobalEventExecutor.INSTANCE.awaitInactivity(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PeerCounters counters(long id) {
        return counters.computeIfAbsent(id, unused -> {
            PeerCounters created = new PeerCounters();
            created.register(config.memberId(), id, () -> activeSince(id).isPresent());
            return created;
        });
    }

    private void startPeer(long id, List<EtcdUrl> peerUrls, boolean remote) {
        Peer started =
                peers.compute(
                        id,
                        (unused, existing) -> {
                            if (existing != null) {
                                if (!remote && existing.isRemote()) {
                                    existing.markAnnounced();
                                    existing.updateUrls(peerUrls);
                                }
                                return existing;
                            }
                            if (closed) {
                                return null;
                            }
                            Peer peer =
                                    new Peer(
                                            id,
                                            peerUrls,
                                            remote,
                                            config.limits(),
                                            channels,
                                            listener,
                                            this::onMemberRemoved,
                                            clock,
                                            counters(id));
                            peer.start();
                            LOG.log(
                                    Level.INFO,
                                    "added "
                                            + (remote ? "remote " : "")
                                            + "peer "
                                            + PeerHeaders.id(id)
                                            + " at "
                                            + peerUrls);
                            return peer;
                        });
        if (started != null && closed && peers.remove(id, started)) {
            started.stop(); // close() ran while this peer was being added
        }
    }

    /** A caller this member does not know yet gets a remote, so Raft can answer it. */
    private void onCaller(Metadata admitted, long from) {
        if (peers.containsKey(from) || from == config.memberId()) {
            return;
        }
        List<EtcdUrl> urls = PeerHeaders.peerUrls(admitted);
        if (!urls.isEmpty()) {
            startPeer(from, urls, true);
        }
    }

    private void onMemberRemoved(long refusingPeerId) {
        if (removalReported.compareAndSet(false, true)) {
            MemberRemovedException removed = new MemberRemovedException(refusingPeerId);
            LOG.log(
                    Level.ERROR,
                    removed.getMessage() + " (refused by " + PeerHeaders.id(refusingPeerId) + ")");
            listener.onMemberRemoved(removed);
        }
    }
}
