package io.etcetera.server;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcetera.config.AutoCompaction;
import io.etcetera.mvcc.CompactionProgress;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.RaftRequest;

import org.jboss.logging.Logger;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The compactor thread. Two jobs:
 *
 * <ul>
 *   <li>auto-compaction ({@code --auto-compaction-mode}/{@code -retention}, see {@link
 *       AutoCompactionSchedule}): on the leader only, proposes a compaction through Raft when one
 *       is due. The ready handler pauses it when this member loses leadership and resumes it when
 *       it wins;
 *   <li>physical compaction, on every member: once a compaction is applied, removes the obsolete
 *       versions in steps of {@link #CHANGES_PER_STEP} changes, so no step holds the store for
 *       long, and answers the {@code physical} compactions waiting for it.
 * </ul>
 *
 * <p>Thread: {@code compactor}. Others only wake it (a one-slot queue) or add waiters (guarded by
 * this object's monitor, held briefly and never while completing a future).
 */
final class Compactor implements Runnable {

    /** Changes one physical compaction step examines; small, so writes never wait long. */
    static final int CHANGES_PER_STEP = 100;

    private static final Logger LOG = Logger.getLogger(Compactor.class);
    private static final Object WAKE = new Object();
    private static final long IDLE_WAIT_MILLIS = 1000;

    private final MvccStore store;
    private final Proposals proposals;
    private final InstantSource clock;
    private final long requestTimeoutMillis;
    private final AutoCompactionSchedule schedule;
    /** Told when a step fails: the store is broken and the member must stop. */
    private final Consumer<Throwable> fatal;
    private final ArrayBlockingQueue<Object> wakeups = new ArrayBlockingQueue<>(1);
    /** Physical compactions waiting, by revision; guarded by {@code this}. */
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
    private volatile boolean leader;
    private volatile boolean stopped;
    /** Every version obsolete at or below this revision is physically gone. */
    private volatile long compactedRevision = -1;

    Compactor(MvccStore store, Proposals proposals, InstantSource clock, AutoCompaction auto,
            long requestTimeoutMillis, Consumer<Throwable> fatal) {
        this.store = store;
        this.fatal = fatal;
        this.proposals = proposals;
        this.clock = clock;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.schedule = auto.enabled() ? new AutoCompactionSchedule(auto, clock.millis()) : null;
    }

    /** Ready handler: this member became leader (resume) or stopped being one (pause). */
    void onLeadership(boolean isLeader) {
        leader = isLeader;
    }

    /** A compaction was applied: physical compaction has work. Any thread. */
    void wake() {
        wakeups.offer(WAKE);
    }

    void requestStop() {
        stopped = true;
        wake();
    }

    /** Completes once every version obsolete at {@code revision} is physically removed. */
    CompletableFuture<Void> awaitCompacted(long revision) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (compactedRevision < revision) {
                waiters.computeIfAbsent(revision, r -> new ArrayList<>(1)).add(done);
                wake();
                return done;
            }
        }
        done.complete(null);
        return done;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                long now = clock.millis();
                if (schedule != null && now >= schedule.nextCheckMillis()) {
                    autoCompact(now);
                }
                if (compactedRevision < store.state().compactRevision()) {
                    step();
                    continue;
                }
                long waitMillis = schedule == null ? IDLE_WAIT_MILLIS
                        : Math.max(1, schedule.nextCheckMillis() - clock.millis());
                wakeups.poll(waitMillis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fatal.accept(e);
        } finally {
            failWaiters();
        }
    }

    private void step() {
        CompactionProgress progress = store.compactStep(CHANGES_PER_STEP);
        compactedRevision = progress.compactedRevision();
        List<CompletableFuture<Void>> released = new ArrayList<>();
        synchronized (this) {
            Map<Long, List<CompletableFuture<Void>>> done =
                    waiters.headMap(progress.compactedRevision(), true);
            done.values().forEach(released::addAll);
            done.clear();
        }
        released.forEach(future -> future.complete(null));
    }

    private void autoCompact(long now) throws InterruptedException {
        long revision = schedule.check(now, store.state().revision(), leader);
        if (revision <= 0) {
            return;
        }
        CompletableFuture<Object> result = proposals.propose(RaftRequest.newBuilder()
                .setCompaction(CompactionRequest.newBuilder().setRevision(revision)));
        try {
            result.get(requestTimeoutMillis, TimeUnit.MILLISECONDS);
            schedule.succeeded(clock.millis(), revision);
            LOG.infof("auto-compacted to revision %d", revision);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RequestFailedException failure
                    && failure.reason() == Reason.COMPACTED) {
                schedule.succeeded(clock.millis(), revision);
            } else {
                LOG.warnf("auto-compaction to revision %d failed: %s", revision, e.getCause());
            }
        } catch (TimeoutException e) {
            LOG.warnf("auto-compaction to revision %d timed out", revision);
        }
    }

    private void failWaiters() {
        List<CompletableFuture<Void>> failed = new ArrayList<>();
        synchronized (this) {
            waiters.values().forEach(failed::addAll);
            waiters.clear();
        }
        failed.forEach(future ->
                future.completeExceptionally(RequestFailedException.of(Reason.STOPPED)));
    }
}
