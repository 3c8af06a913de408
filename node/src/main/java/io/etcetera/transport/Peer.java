package io.etcetera.transport;

import io.etcetera.config.EtcdUrl;
import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.transport.pb.MessageBatch;
import io.etcetera.transport.pb.PeerGrpc;
import io.etcetera.transport.pb.ProbeReply;
import io.etcetera.transport.pb.ProbeRequest;
import io.etcetera.transport.pb.StreamEnd;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * One remote member as this member's transport sees it (etcd's {@code peer}): two {@link Lane}s and
 * the one thread, {@code etcetera-peer-sender-<id>}, that opens their streams, sends what the
 * queueing thread could not, backs off and reconnects, and probes the round-trip time. Nothing it
 * does waits on another peer, and nothing it does blocks the thread that queues messages.
 *
 * <p>Threads: {@link #offer}, {@link #updateUrls}, {@link #stop} and the getters from any thread;
 * {@link #flush} sends on the caller's thread when the lane's stream is open and free (see
 * {@link Lane}); gRPC callbacks only hand {@link LaneEvent}s over and wake the sender. Lane state
 * and channels are confined to the sender thread. Invariant: a lane's call is its channel's only stream
 * call, and events of any other call are stale and ignored.
 */
final class Peer {

    private static final System.Logger LOG = System.getLogger(Peer.class.getName());

    /** Each call yields at most two events, and the sender drains them before it starts calls. */
    private static final int EVENTS_MAX = 64;

    /** The largest Raft message a peer takes, leaving room for the batch's own framing. */
    static final int MESSAGE_BYTES_MAX = PeerLimits.INBOUND_MESSAGE_BYTES_MAX - 1024;

    /** What a lane's call reported: accepted (status null) or closed. */
    private record LaneEvent(Lane lane, ClientCall<?, ?> call, Status closed) {}

    /** URLs with a generation, so the sender notices a change. */
    private record Urls(List<EtcdUrl> urls, long generation) {}

    final long id;
    final PeerCounters counters;

    private final PeerLimits limits;
    private final PeerChannels channels;
    private final TransportListener listener;
    private final LongConsumer memberRemoved;
    private final InstantSource clock;
    private final Lane messages;
    private final Lane appends;
    private final List<Lane> lanes;
    private final ArrayBlockingQueue<LaneEvent> events = new ArrayBlockingQueue<>(EVENTS_MAX);
    private final Thread sender;

    private volatile Urls urls;
    private volatile boolean stopped;

    /** Added because it called this member, not by the member: etcd's {@code remote}. */
    private volatile boolean remote;

    /** Whether a snapshot is being sent to this peer: at most one at a time. */
    private final AtomicBoolean snapshotInFlight = new AtomicBoolean();

    /** When a link to the peer last became active; null while inactive. */
    private volatile Instant activeSince;

    /** Which of the URLs links use; moved on by the sender, read by snapshot senders too. */
    private volatile int urlIndex;

    /** The fields below belong to the sender thread. */
    private long urlsGeneration;

    private Instant nextProbeAt = Instant.MIN;

    Peer(
            long id,
            List<EtcdUrl> urls,
            boolean remote,
            PeerLimits limits,
            PeerChannels channels,
            TransportListener listener,
            LongConsumer memberRemoved,
            InstantSource clock,
            PeerCounters counters) {
        Invariants.check(!urls.isEmpty(), "peer %s has no URL", PeerHeaders.id(id));
        this.id = id;
        this.urls = new Urls(List.copyOf(urls), 0);
        this.remote = remote;
        this.limits = limits;
        this.channels = channels;
        this.listener = listener;
        this.memberRemoved = memberRemoved;
        this.clock = clock;
        this.counters = counters;
        this.messages = new Lane("message", limits.queueMessagesMax(), limits.queueBytesMax());
        this.appends = new Lane("append", limits.queueMessagesMax(), limits.queueBytesMax());
        this.lanes = List.of(messages, appends);
        this.sender = new Thread(this::run, "etcetera-peer-sender-" + PeerHeaders.id(id));
        this.sender.setDaemon(true);
    }

    void start() {
        sender.start();
    }

    /**
     * Queues a message on its lane, to be sent by the next {@link #flush}; never blocks.
     *
     * @return false when the message was dropped: its lane is full or down
     */
    boolean offer(Message message) {
        Lane lane = message.getType() == MessageType.MsgApp ? appends : messages;
        int bytes = message.getSerializedSize();
        if (bytes > MESSAGE_BYTES_MAX) {
            LOG.log(
                    Level.WARNING,
                    "dropped a "
                            + message.getType()
                            + " of "
                            + bytes
                            + " bytes to peer "
                            + PeerHeaders.id(id)
                            + ": peers take at most "
                            + MESSAGE_BYTES_MAX);
        }
        if (stopped || bytes > MESSAGE_BYTES_MAX || !lane.offer(message, bytes)) {
            counters.droppedMessages.increment();
            return false;
        }
        return true;
    }

    /**
     * Sends what {@link #offer} queued, on the caller's thread when the lanes' streams take it, and
     * wakes the sender for whatever is left; never blocks. Called once per batch of offers, so that
     * the messages of one Raft Ready share gRPC messages.
     */
    void flush() {
        for (Lane lane : lanes) {
            lane.trySend(limits, counters);
            if (!lane.isEmpty()) {
                LockSupport.unpark(sender); // what this thread could not send, the sender will
            }
        }
    }

    /** Replaces the peer's URLs; its links reopen to the new ones. */
    void updateUrls(List<EtcdUrl> newUrls) {
        Invariants.check(!newUrls.isEmpty(), "peer %s has no URL", PeerHeaders.id(id));
        urls = new Urls(List.copyOf(newUrls), urls.generation() + 1);
        LockSupport.unpark(sender);
    }

    /** Makes a peer that called in (a remote) a member's peer. */
    void markAnnounced() {
        remote = false;
    }

    boolean isRemote() {
        return remote;
    }

    /** The URL links use now. */
    EtcdUrl currentUrl() {
        List<EtcdUrl> current = urls.urls();
        return current.get(Math.floorMod(urlIndex, current.size()));
    }

    Optional<Instant> activeSince() {
        return Optional.ofNullable(activeSince);
    }

    boolean isStopped() {
        return stopped;
    }

    /** Claims the peer's one snapshot slot; false when a snapshot is in flight. */
    boolean tryBeginSnapshot() {
        return snapshotInFlight.compareAndSet(false, true);
    }

    void endSnapshot() {
        snapshotInFlight.set(false);
    }

    boolean hasEnded() {
        return sender.getState() == Thread.State.TERMINATED;
    }

    /** Asks the sender to close the links and end; returns at once. */
    void stop() {
        stopped = true;
        LockSupport.unpark(sender);
    }

    /** Waits for the sender thread to end, at most {@code millis}. */
    void join(long millis) throws InterruptedException {
        sender.join(millis);
    }

    private void run() {
        try {
            while (!stopped) {
                Instant now = clock.instant();
                handleEvents(now);
                boolean worked = followUrls();
                worked |= serve(messages, now);
                worked |= serve(appends, now);
                worked |= maybeProbe(now);
                if (!worked) {
                    LockSupport.parkNanos(this, waitNanos(now));
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "peer " + PeerHeaders.id(id) + " sender failed", e);
            throw e;
        } finally {
            closeLane(messages);
            closeLane(appends);
        }
    }

    private void handleEvents(Instant now) {
        LaneEvent event;
        while ((event = events.poll()) != null) {
            Lane lane = event.lane();
            if (event.call() != lane.call()) {
                continue; // a call this thread already replaced or closed
            }
            if (event.closed() == null) {
                lane.state = Lane.State.ACTIVE;
                lane.backoffMillis = 0;
                activate(now);
            } else {
                Status status = event.closed();
                fail(lane, now, describe(status), PeerRefusal.of(status));
            }
        }
    }

    /** Reopens both links when the URLs changed; queued messages stay. */
    private boolean followUrls() {
        Urls current = urls;
        if (current.generation() == urlsGeneration) {
            return false;
        }
        urlsGeneration = current.generation();
        urlIndex = 0;
        for (Lane lane : lanes) {
            lane.replaceCall(null);
            if (lane.channel != null) {
                lane.channel.shutdownNow();
            }
            lane.channel = null;
            lane.state = Lane.State.IDLE;
        }
        return true;
    }

    /** Moves one lane forward by one step; returns whether it did anything. */
    private boolean serve(Lane lane, Instant now) {
        switch (lane.state) {
            case IDLE:
                connect(lane, now);
                return true;
            case BACKING_OFF:
                if (now.isBefore(lane.retryAt)) {
                    return false;
                }
                connect(lane, now);
                return true;
            case CONNECTING:
                if (acceptWaitExpired(lane, now)) {
                    fail(lane, now, "no answer from peer within the accept wait", Optional.empty());
                    return true;
                }
                return lane.send(limits, counters);
            case ACTIVE:
                return lane.send(limits, counters);
            default:
                throw new IllegalStateException("lane state " + lane.state);
        }
    }

    private boolean acceptWaitExpired(Lane lane, Instant now) {
        return Duration.between(lane.connectingSince, now).toMillis()
                >= limits.acceptWaitMillisMax();
    }

    private void connect(Lane lane, Instant now) {
        EtcdUrl url = currentUrl();
        lane.markDown(false);
        ManagedChannel channel;
        try {
            channel = channels.open(url);
        } catch (IOException e) {
            fail(lane, now, "dial " + url + ": " + e.getMessage(), Optional.empty());
            return;
        }
        ClientCall<MessageBatch, StreamEnd> call =
                channel.newCall(PeerGrpc.getStreamMethod(), CallOptions.DEFAULT);
        lane.state = Lane.State.CONNECTING;
        lane.connectingSince = now;
        lane.channel = channel;
        call.start(new LaneListener(lane, call), channels.headers(id));
        lane.replaceCall(call);
    }

    /**
     * Closes a lane's link after a failure, drops what it queued, and backs off: the delay doubles
     * per failure from the minimum to the maximum, and a link that never opened moves on to the
     * peer's next URL (etcd's {@code urlPicker.unreachable}).
     */
    private void fail(Lane lane, Instant now, String reason, Optional<PeerRefusal> refusal) {
        boolean wasActive = lane.state == Lane.State.ACTIVE;
        lane.replaceCall(null);
        int discarded = lane.discard();
        counters.droppedMessages.add(discarded);
        if (lane.channel != null) {
            lane.channel.shutdownNow();
        }
        lane.channel = null;
        lane.backoffMillis =
                lane.backoffMillis == 0
                        ? limits.reconnectBackoffMinMillis()
                        : Math.min(2 * lane.backoffMillis, limits.reconnectBackoffMaxMillis());
        lane.retryAt = now.plusMillis(lane.backoffMillis);
        lane.state = Lane.State.BACKING_OFF;
        lane.markDown(true);
        if (!wasActive) {
            urlIndex++;
        }
        counters.streamFailures.increment();
        counters.lastFailure = lane.name + " stream: " + reason;
        deactivate(lane, reason);
        if (refusal.isPresent() && refusal.get() == PeerRefusal.REMOVED_MEMBER) {
            memberRemoved.accept(id);
        }
        if (wasActive || discarded > 0) {
            listener.onUnreachable(id);
        }
    }

    private void activate(Instant now) {
        if (activeSince == null) {
            activeSince = now;
            LOG.log(Level.INFO, "peer " + PeerHeaders.id(id) + " became active");
        }
    }

    private void deactivate(Lane lane, String reason) {
        if (activeSince != null) {
            activeSince = null;
            LOG.log(
                    Level.WARNING,
                    "peer "
                            + PeerHeaders.id(id)
                            + " became inactive (message send to peer failed): "
                            + lane.name
                            + " stream: "
                            + reason);
        } else {
            LOG.log(
                    Level.DEBUG,
                    "peer "
                            + PeerHeaders.id(id)
                            + " still inactive: "
                            + lane.name
                            + " stream: "
                            + reason);
        }
    }

    /** Measures the round trip on the message lane's connection, at most once per interval. */
    private boolean maybeProbe(Instant now) {
        if (messages.state != Lane.State.ACTIVE || now.isBefore(nextProbeAt)) {
            return false;
        }
        nextProbeAt = now.plusMillis(limits.probeIntervalMillis());
        ClientCall<ProbeRequest, ProbeReply> probe =
                messages.channel.newCall(
                        PeerGrpc.getProbeMethod(),
                        CallOptions.DEFAULT.withDeadlineAfter(
                                limits.probeIntervalMillis(), TimeUnit.MILLISECONDS));
        probe.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (status.isOk()) {
                            counters.observeRoundTrip(
                                    Duration.between(now, clock.instant()).toNanos());
                        }
                    }
                },
                channels.headers(id));
        probe.request(1);
        probe.sendMessage(ProbeRequest.getDefaultInstance());
        probe.halfClose();
        return true;
    }

    private long waitNanos(Instant now) {
        Instant wakeAt = now.plusMillis(limits.probeIntervalMillis());
        for (Lane lane : lanes) {
            if (lane.state == Lane.State.BACKING_OFF && lane.retryAt.isBefore(wakeAt)) {
                wakeAt = lane.retryAt;
            }
            if (lane.state == Lane.State.CONNECTING) {
                Instant giveUpAt = lane.connectingSince.plusMillis(limits.acceptWaitMillisMax());
                if (giveUpAt.isBefore(wakeAt)) {
                    wakeAt = giveUpAt;
                }
            }
        }
        if (messages.state == Lane.State.ACTIVE && nextProbeAt.isBefore(wakeAt)) {
            wakeAt = nextProbeAt;
        }
        return wakeAt.isAfter(now) ? Duration.between(now, wakeAt).toNanos() : 1;
    }

    /** Cuts a lane's link and waits, boundedly, until its channel has let go of the I/O threads. */
    private void closeLane(Lane lane) {
        lane.markDown(true);
        ClientCall<MessageBatch, StreamEnd> call = lane.replaceCall(null);
        lane.discard();
        if (call != null) {
            call.cancel("peer stopped", null);
        }
        if (lane.channel != null) {
            lane.channel.shutdownNow();
            try {
                lane.channel.awaitTermination(
                        PeerTransport.STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lane.channel = null;
    }

    private static String describe(Status status) {
        return status.getCode()
                + (status.getDescription() == null ? "" : ": " + status.getDescription())
                + (status.getCause() == null ? "" : " (" + status.getCause().getMessage() + ")");
    }

    private void handOver(LaneEvent event) {
        Invariants.check(
                events.offer(event),
                "peer %s: more than %d lane events pending",
                PeerHeaders.id(id),
                EVENTS_MAX);
        LockSupport.unpark(sender);
    }

    /** Turns one lane call's callbacks into events for the sender; runs on gRPC I/O threads. */
    private final class LaneListener extends ClientCall.Listener<StreamEnd> {
        private final Lane lane;
        private final ClientCall<MessageBatch, StreamEnd> call;

        LaneListener(Lane lane, ClientCall<MessageBatch, StreamEnd> call) {
            this.lane = lane;
            this.call = call;
        }

        @Override
        public void onHeaders(Metadata headers) {
            handOver(new LaneEvent(lane, call, null));
        }

        @Override
        public void onReady() {
            LockSupport.unpark(sender);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            handOver(new LaneEvent(lane, call, status));
        }
    }
}
