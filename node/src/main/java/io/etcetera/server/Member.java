package io.etcetera.server;

import io.etcetera.config.EtcdConfig;
import io.etcetera.config.EtcdUrl;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcetera.invariants.Invariants;
import io.etcetera.metrics.MeterGroup;
import io.etcetera.lease.Lessor;
import io.etcetera.lease.LessorConfig;
import io.etcetera.mvcc.BackendQuota;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;
import io.etcetera.mvcc.watch.SyncLoop;
import io.etcetera.mvcc.watch.WatchConfig;
import io.etcetera.mvcc.watch.WatchableStore;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.ClusterPeerGrpc;
import io.etcetera.server.pb.LeasePeerGrpc;
import io.etcetera.server.pb.MemberAttributes;
import io.etcetera.transport.PeerLimits;
import io.etcetera.transport.PeerTls;
import io.etcetera.transport.PeerTransport;
import io.etcetera.transport.PeerTransportConfig;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One running member: the server's facade. {@link #start} opens (or bootstraps) the data dir and
 * starts the threads; {@link #kv()}, {@link #leases()}, {@link #watches()}, {@link
 * #maintenance()} and {@link #cluster()} serve clients; {@link #stop()} stops it in etcd's order.
 * The peer transport is wired at the raft loop's single send point and into its inbox ({@link
 * PeerLink}).
 *
 * <p>Threads, each named and with one job:
 *
 * <ul>
 *   <li>{@code raft-loop} ({@link RaftLoop}): the Raft node, the WAL and snapshot files;
 *   <li>{@code server-loop} ({@link ServerLoop}): apply batches, fatal errors, stop, and the
 *       periodic sweep of deadlines and the lease reaper;
 *   <li>{@code apply} ({@link FifoScheduler}, {@link Applier}): the store's writes, in log order;
 *   <li>{@code compactor} ({@link Compactor}): auto-compaction and physical compaction;
 *   <li>{@code watch-sync} ({@link SyncLoop}): catches slow and new watchers up from history;
 *   <li>{@code maintenance}: defragment, hash, checkpoint and snapshot reads;
 *   <li>{@code wal-preallocate}: fills the next WAL segment ahead of time.
 * </ul>
 *
 * <p>Stop, on {@link #stop()} or a fatal error, runs on the server loop after it left its loop:
 * new requests are refused and waiting ones fail with {@code server stopped}; the apply scheduler
 * drains; the raft loop stops (syncing and closing the WAL); the lessor is demoted; the peer
 * transport closes; the compactor, the watch-sync thread and the other threads stop and are
 * joined; the store closes. A fatal error is logged with what the operator must do, and {@link
 * #awaitTermination()} returns exit status 1; a member stopped because the cluster removed it logs
 * etcd's words and returns 0, as etcd exits.
 *
 * <p>Thread-safe.
 */
public final class Member implements AutoCloseable {

    public static final String RAFT_THREAD = "raft-loop";
    public static final String SERVER_THREAD = "server-loop";
    public static final String APPLY_THREAD = "apply";
    public static final String COMPACTOR_THREAD = "compactor";
    public static final String MAINTENANCE_THREAD = "maintenance";
    public static final String WAL_THREAD = "wal-preallocate";

    /** Directories of client snapshots being streamed, under {@code member/}. */
    static final String CHECKPOINT_PREFIX = "snapshot-checkpoint-";
    /** Maintenance jobs waiting at most. */
    static final int MAINTENANCE_JOBS_MAX = 64;
    /** etcd's delay between applying its own removal and stopping. */
    static final long REMOVED_STOP_DELAY_MILLIS = 1000;
    /** How long stop waits for client reads in progress before closing the store. */
    static final long READS_DRAIN_MILLIS = 5000;

    private static final Logger LOG = Logger.getLogger(Member.class);

    /**
     * The lessor's clock: monotonic (etcd relies on Go's monotonic clock), so that a wall clock
     * stepped forward never expires leases early.
     */
    private static final InstantSource MONOTONIC_CLOCK =
            () -> Instant.ofEpochSecond(0, System.nanoTime());

    private final long memberId;
    private final long clusterId;
    private final DataDir dataDir;
    private final MvccStore store;
    private final StoreReads storeReads;
    private final WaitRegistry waits;
    private final AppliedIndex applied;
    private final RaftInbox inbox;
    private final ReadIndexBatcher reads;
    private final ReadyHandler readyHandler;
    private final Proposals proposals;
    private final Compactor compactor;
    private final FifoScheduler applyScheduler;
    private final ServerLoop serverLoop;
    private final RaftLoop raftLoop;
    private final MergedSnapshots mergedSnapshots;
    private final PeerTransport transport;
    private final PeerLink peerLink;
    private final Membership membership;
    private final Reconfiguration reconfiguration;
    private final SnapshotInstall snapshotInstall;
    private final ExecutorService maintenanceExecutor;
    private final ExecutorService preallocateExecutor;
    private final Thread raftThread;
    private final Thread serverThread;
    private final Thread compactorThread;
    /** The leases every member holds; primary (expiring them) only on the leader. */
    private final Lessor lessor;
    private final SyncLoop watchSync;
    private final Thread watchSyncThread;
    private final RaftKv kv;
    private final Leases leases;
    /** Channels to the leader for renewals and TimeToLive this member forwards. */
    private final LeasePeerClient leasePeers;
    private final Watches watches;
    private final Maintenance maintenance;
    private final Cluster cluster;
    /** The gauges that read this member, removed before the store closes. */
    private final MeterGroup meters;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile Throwable failure;
    /** Whether the member stopped because it was removed from the cluster. */
    private volatile boolean removed;
    private volatile Runnable onTermination = () -> { };

    private Member(EtcdConfig config, ServerSettings settings, InstantSource clock,
            DataDir dataDir, RaftParts parts, MvccStore store, ExecutorService preallocate,
            PeerTls tls) throws IOException {
        this.memberId = parts.memberId();
        this.clusterId = parts.clusterId();
        this.dataDir = dataDir;
        this.store = store;
        this.preallocateExecutor = preallocate;
        this.storeReads = new StoreReads(store);
        long timeoutMillis = settings.requestTimeoutMillis();
        RequestIds ids = new RequestIds(memberId, clock.millis());
        this.waits = new WaitRegistry(timeoutMillis);
        this.applied = new AppliedIndex(parts.snapshotIndex(), parts.snapshotTerm());
        this.inbox = new RaftInbox();
        this.reads = new ReadIndexBatcher(inbox, applied, ids, clock, timeoutMillis);
        this.readyHandler = new ReadyHandler(memberId, List.of(this::onLeadership), reads,
                parts.hardState(), settings.electionTimeoutMillis());
        this.proposals = new Proposals(inbox, waits, ids, applied, readyHandler, clock,
                settings.maxRequestBytes());
        this.compactor = new Compactor(store, proposals, clock, settings.autoCompaction(),
                timeoutMillis, this::fatal);
        this.lessor = new Lessor(lessorConfig(config, settings), MONOTONIC_CLOCK);
        LeaseApplier.recover(lessor, store);
        Headers headers = new Headers(clusterId, memberId, readyHandler, store);
        WatchableStore watchable = new WatchableStore(store, watchConfig(config), clock,
                revision -> headers.fill(ResponseHeader.newBuilder().setRevision(revision)
                        .build()));
        Membership membership;
        Alarms alarms;
        try (ReadView view = store.view()) {
            membership = Membership.load(view);
            alarms = Alarms.load(view);
        }
        this.membership = membership;
        QuotaGate quota = new QuotaGate(memberId,
                new BackendQuota(store, settings.quotaBackendBytes()), proposals);
        this.leasePeers = new LeasePeerClient(tls);
        this.leases = new Leases(lessor, proposals, ids, storeReads, headers, readyHandler, reads,
                applied, quota, new LeaderRoute(memberId, readyHandler, membership, clock,
                        timeoutMillis, settings.tickMillis()), leasePeers);
        // A snapshot from the leader replaces the store: the lessor reloads its leases from it,
        // and watchers catch up from its history.
        this.snapshotInstall = new SnapshotInstall(store, membership, alarms, dataDir,
                List.of(() -> LeaseApplier.recover(lessor, store),
                        () -> watchable.restore(store.state().revision())));
        this.applyScheduler = new FifoScheduler(APPLY_THREAD, this::fatal);
        this.peerLink = new PeerLink(memberId, inbox, membership, this::sendSnapshot,
                this::fatal);
        this.transport = new PeerTransport(new PeerTransportConfig(memberId, clusterId,
                config.listenPeerUrls(), config.initialAdvertisePeerUrls(), dataDir.snap(),
                Optional.of(tls), PeerLimits.DEFAULT), peerLink, clock,
                List.of(ClusterPeerGrpc.bindService(new ClusterPeerService(clusterId, membership,
                        this::promoteAsLeader)),
                        LeasePeerGrpc.bindService(new LeasePeerService(leases))));
        peerLink.connect(transport);
        this.mergedSnapshots = new MergedSnapshots(store, membership, dataDir, ids::next,
                transport, inbox);
        membership.onChange(this::onMembers);
        LeaseApplier leaseApplier = new LeaseApplier(lessor,
                term -> readyHandler.isLeader() && readyHandler.term() == term);
        // The apply thread is the store's only writer: after a commit its revision is the batch's.
        Applier applier = new Applier(store, membership, alarms, waits, applied, inbox,
                settings.snapshotCount(), parts.snapshotIndex(), leaseApplier,
                events -> watchable.notify(events, store.state().revision()), compactor::wake,
                snapshotInstall);
        LeaseReaper reaper = new LeaseReaper(lessor, readyHandler::isLeader, readyHandler::term,
                reads::barrier, proposals::propose);
        MemberAttributes attributes = MemberAttributes.newBuilder().setMemberId(memberId)
                .setName(config.name()).addAllClientUrls(
                        config.advertiseClientUrls().stream().map(EtcdUrl::toString).toList())
                .build();
        this.serverLoop = new ServerLoop(applyScheduler, applier, waits, reads, proposals,
                readyHandler, reaper, clock, settings.tickMillis(), attributes, this::shutdown);
        // The raft loop's single send point: the peer transport.
        this.raftLoop = new RaftLoop(memberId, parts, inbox, clock, settings, readyHandler,
                reads, waits, serverLoop, peerLink);
        this.maintenanceExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAINTENANCE_JOBS_MAX),
                runnable -> new Thread(runnable, MAINTENANCE_THREAD));
        this.kv = new RaftKv(proposals, reads, storeReads, headers, quota, compactor);
        this.maintenance = new Maintenance(memberId, store, storeReads, proposals, readyHandler,
                applied, membership, alarms, headers, inbox, maintenanceExecutor, dataDir, ids,
                clock, timeoutMillis);
        this.reconfiguration = new Reconfiguration(memberId, membership, inbox, waits, ids,
                transport, readyHandler, clock, config.strictReconfigCheck(),
                new ClusterPeerClient(timeoutMillis, tls));
        this.cluster = new Cluster(membership, headers, reconfiguration);
        this.meters = MemberMetrics.register(memberId, readyHandler, applied, waits, membership,
                store, new BackendQuota(store, settings.quotaBackendBytes()));
        MemberMetrics.registerWatchers(meters, watchable);
        this.watches = new Watches(watchable);
        this.watchSync = watchable.syncLoop(this::fatal);
        this.watchSyncThread = new Thread(watchSync, SyncLoop.THREAD_NAME);
        this.raftThread = new Thread(raftLoop, RAFT_THREAD);
        this.serverThread = new Thread(serverLoop, SERVER_THREAD);
        this.compactorThread = new Thread(compactor, COMPACTOR_THREAD);
    }

    /** Starts a member with etcd's settings for {@code config} and the system clock. */
    public static Member start(EtcdConfig config) throws IOException {
        return start(config, ServerSettings.of(config), InstantSource.system());
    }

    /**
     * Opens {@code config}'s data dir (bootstrapping a new member when it holds none) and starts
     * the member's threads. Throws if the data dir cannot be used; the message says why and what
     * to do.
     */
    public static Member start(EtcdConfig config, ServerSettings settings, InstantSource clock)
            throws IOException {
        DataDir dataDir = DataDir.of(config);
        PeerTls tls = PeerTls.of(config.peerTls(), config.listenPeerUrls());
        ExecutorService preallocate = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(2), runnable -> new Thread(runnable, WAL_THREAD));
        RaftParts parts = null;
        MvccStore store = null;
        try {
            parts = RaftStorage.exists(dataDir)
                    ? RaftStorage.restart(dataDir, settings, preallocate)
                    : RaftStorage.bootstrap(config, dataDir, settings, preallocate, tls);
            deleteCheckpoints(dataDir);
            SnapshotInstall.redoAtStart(dataDir, parts.snapshotIndex());
            store = MvccStore.open(dataDir.db());
            checkStoreCoversSnapshot(store, parts, dataDir);
            Member member = new Member(config, settings, clock, dataDir, parts, store, preallocate,
                    tls);
            member.startThreads();
            LOG.infof("member %x of cluster %x started from %s (applied index %d, revision %d)",
                    member.memberId, member.clusterId, dataDir.root(),
                    store.state().appliedIndex(), store.state().revision());
            return member;
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                store.close();
            }
            if (parts != null) {
                parts.wal().close();
            }
            preallocate.shutdownNow();
            throw e;
        }
    }

    private static void checkStoreCoversSnapshot(MvccStore store, RaftParts parts, DataDir dir) {
        long storeIndex = store.state().appliedIndex();
        if (storeIndex < parts.snapshotIndex()) {
            throw new IllegalStateException(String.format("the key-value store in %s is at applied"
                    + " index %d, older than the Raft snapshot at index %d: entries the WAL no"
                    + " longer holds are missing from it. Do not restart this member on this data:"
                    + " remove it from the cluster, delete %s and add it back as a new member, or"
                    + " restore from a snapshot (etcetera snapshot restore).", dir.db(),
                    storeIndex, parts.snapshotIndex(), dir.root()));
        }
    }

    private static void deleteCheckpoints(DataDir dataDir) throws IOException {
        if (!Files.isDirectory(dataDir.member())) {
            return;
        }
        try (DirectoryStream<Path> leftovers =
                Files.newDirectoryStream(dataDir.member(), CHECKPOINT_PREFIX + "*")) {
            for (Path leftover : leftovers) {
                SnapshotStream.deleteTree(leftover);
            }
        }
    }

    private void startThreads() throws IOException {
        transport.start();
        peerLink.onMembers(membership.members());
        applyScheduler.start();
        serverThread.start();
        compactorThread.start();
        watchSyncThread.start();
        raftThread.start();
    }

    /** Apply thread: the transport follows the members; a member removed stops (as etcd's). */
    private void onMembers(List<io.etcetera.server.pb.MemberRecord> members) {
        peerLink.onMembers(members);
        if (membership.isRemoved(memberId)) {
            // etcd stops a second later, so that the answer to the removal itself goes out.
            CompletableFuture.delayedExecutor(REMOVED_STOP_DELAY_MILLIS, TimeUnit.MILLISECONDS)
                    .execute(() -> fatal(new PeerLink.MemberRemovedFatal(
                            "the member has been permanently removed from the cluster")));
        }
    }

    /** Transport thread: a promotion forwarded to this member, the leader. */
    private java.util.concurrent.CompletableFuture<Void> promoteAsLeader(long id) {
        return reconfiguration.promoteAsLeader(id);
    }

    /** Raft loop: a MsgSnap goes out from the apply thread, with a checkpoint of the store. */
    private void sendSnapshot(io.etcetera.raft.pb.Message msgSnap) {
        try {
            if (!applyScheduler.schedule(() -> mergedSnapshots.send(msgSnap))) {
                inbox.offer(new RaftEvent.ReportSnapshot(msgSnap.getTo(),
                        io.etcetera.raft.SnapshotStatus.FAILURE));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Raft loop: leadership changed. Promotion waits for the new term's first entry. */
    private void onLeadership(boolean leader) {
        compactor.onLeadership(leader);
        if (!leader) {
            lessor.demote();
        }
    }

    /**
     * The lessor's settings: etcd's defaults for this Raft timing, with {@code
     * --experimental-lease-checkpoint-interval} (etcd uses its default for 0).
     */
    private static LessorConfig lessorConfig(EtcdConfig config, ServerSettings settings) {
        LessorConfig defaults = LessorConfig.defaults(settings.tickMillis(),
                settings.electionTicks());
        Duration interval = config.leaseCheckpointInterval();
        return interval.isZero() || interval.isNegative() ? defaults
                : defaults.withCheckpointInterval(interval);
    }

    /** etcd's watch settings for {@code config}. */
    private static WatchConfig watchConfig(EtcdConfig config) {
        return WatchConfig.builder()
                .maxRequestBytes(config.clientLimits().maxRequestBytes())
                .progressNotifyInterval(config.watchProgressNotifyInterval())
                .build();
    }

    private void fatal(Throwable error) {
        serverLoop.fatal(error);
    }

    /** Runs on the server loop once it left its loop: stops everything, in etcd's order. */
    private void shutdown(Throwable cause) {
        Throwable firstFailure = cause;
        meters.close();
        proposals.stop();
        RequestFailedException stopped = RequestFailedException.of(Reason.STOPPED);
        waits.failAll(stopped);
        reads.failAll(stopped);
        readyHandler.failAll(stopped);
        try {
            applyScheduler.stopAndDrain();
            raftLoop.requestStop();
            raftThread.join();
            lessor.demote();
            transport.close();
            leasePeers.close();
            compactor.requestStop();
            compactorThread.join();
            watchSync.stop();
            watchSyncThread.join();
            applied.failAll(stopped);
            maintenanceExecutor.shutdown();
            maintenanceExecutor.awaitTermination(READS_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
            preallocateExecutor.shutdown();
            preallocateExecutor.awaitTermination(READS_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
            Invariants.check(storeReads.close(READS_DRAIN_MILLIS),
                    "client reads still running %d ms after stop", READS_DRAIN_MILLIS);
            store.close();
        } catch (InterruptedException | RuntimeException e) {
            if (firstFailure == null) {
                firstFailure = e;
            }
        }
        if (firstFailure instanceof PeerLink.MemberRemovedFatal removed) {
            // etcd logs it and exits 0: nothing is damaged, this member is no longer one.
            LOG.warnf("%s; the data dir %s used by this member must be removed",
                    removed.getMessage(), dataDir.root());
            firstFailure = null;
            this.removed = true;
        }
        failure = firstFailure;
        if (firstFailure != null) {
            LOG.errorf(firstFailure, "%s", FatalErrors.describe(firstFailure, dataDir));
        } else {
            LOG.infof("member %x stopped", memberId);
        }
        terminated.countDown();
        onTermination.run();
    }

    /** Stops the member and waits until it has; idempotent. Returns the exit status. */
    public int stop() throws InterruptedException {
        serverLoop.requestStop();
        return awaitTermination();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Waits until the member stopped: 0 after a clean stop, 1 after a fatal error. */
    public int awaitTermination() throws InterruptedException {
        terminated.await();
        serverThread.join();
        return failure == null ? 0 : 1;
    }

    /**
     * The exit status once stopped, without waiting: 0 after a clean stop or a removal from the
     * cluster, 1 after a fatal error.
     */
    public int exitStatus() {
        return failure == null ? 0 : 1;
    }

    /** Whether the member stopped because the cluster removed it. */
    public boolean wasRemoved() {
        return removed;
    }

    /** Runs {@code callback} (on the stopping thread) once the member stopped, for any reason. */
    public void onTermination(Runnable callback) {
        this.onTermination = callback;
        if (terminated.getCount() == 0) {
            callback.run();
        }
    }

    /** The transport's seam: a message from a peer; false if the raft inbox is full. */
    public boolean step(io.etcetera.raft.pb.Message message) {
        return inbox.offer(new RaftEvent.Step(message));
    }

    public RaftKv kv() {
        return kv;
    }

    public Leases leases() {
        return leases;
    }

    public Watches watches() {
        return watches;
    }

    public Maintenance maintenance() {
        return maintenance;
    }

    public Cluster cluster() {
        return cluster;
    }

    public long memberId() {
        return memberId;
    }

    public long clusterId() {
        return clusterId;
    }

    /** The leader's ID as this member knows it; 0 when it knows none. */
    public long leaderId() {
        return readyHandler.leaderId();
    }

    public boolean isLeader() {
        return readyHandler.isLeader();
    }

    public long term() {
        return readyHandler.term();
    }

    public long committedIndex() {
        return readyHandler.committedIndex();
    }

    public long appliedIndex() {
        return applied.index();
    }

    /** New leaders seen since start (etcd_server_leader_changes_seen_total). */
    public long leaderChanges() {
        return readyHandler.leaderChanges();
    }

    /**
     * A future that completes once a linearizable read issued now could be served (the health
     * checks' linearizable read).
     */
    public java.util.concurrent.CompletableFuture<Void> linearizableBarrier() {
        return reads.barrier();
    }

    /** Peer calls refused since start: another cluster's ID, a removed member, a wrong target. */
    public long refusedPeerCalls() {
        return transport.refusedCalls();
    }

    /** Snapshots of a leader's store this member installed since it started. */
    public long installedSnapshotCount() {
        return snapshotInstall.installedCount();
    }

    /** This member's Raft status, read on the raft loop. */
    CompletableFuture<io.etcetera.raft.Status> raftStatus() {
        CompletableFuture<io.etcetera.raft.Status> status = new CompletableFuture<>();
        if (!inbox.offer(new RaftEvent.ReadStatus(status))) {
            status.completeExceptionally(RequestFailedException.of(
                    RequestFailedException.Reason.TOO_MANY_REQUESTS));
        }
        return status;
    }

    /** The Raft indexes of the conf change entries this member refused when it applied them. */
    java.util.SortedSet<Long> refusedConfChangeIndexes() {
        try (ReadView view = store.view()) {
            return Applier.refusedConfChanges(view);
        }
    }

    /** The data dir this member runs on. */
    public DataDir dataDir() {
        return dataDir;
    }
}
