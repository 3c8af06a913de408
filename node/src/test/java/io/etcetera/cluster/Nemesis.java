package io.etcetera.cluster;

import io.etcd.jetcd.KV;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injects faults into a {@link LocalCluster}, one at a time, chosen and timed by a seeded random
 * source: kill -9 and restart, SIGSTOP and SIGCONT, a member cut off both ways, the leader cut off
 * one way, slow links, a leader transfer (MoveLeader), and a member removed and added back as a
 * new member, and a follower killed while the others write until the leader compacted its log past
 * it (it must then catch up from a snapshot of the leader's, and its log must say it installed
 * one). Each fault is held for a bounded time and then healed; the cluster must then be
 * healthy again within {@code recoverMax}, or the run fails. While a member is cut off it checks
 * what Raft promises: a write through the cut-off member is never acknowledged, and a write
 * through the others is.
 *
 * <p>Bounded: at most {@code faultsMax} faults, none started after {@code runFor}. Runs on the
 * thread that calls {@link #run}; what it did is read after.
 */
final class Nemesis {

    /** The faults, in the order of their weights' table. */
    enum FaultKind {
        KILL,
        PAUSE,
        ISOLATE,
        ONE_WAY,
        DELAY,
        MOVE_LEADER,
        REPLACE,
        CATCH_UP
    }

    /** One fault as injected: what, on which member, for how long, and what it saw. */
    record Injected(FaultKind kind, String target, long atMillis, long heldMillis, String note) {
        @Override
        public String toString() {
            return "+" + atMillis + " ms " + kind + " " + target + " for " + heldMillis + " ms"
                    + (note.isEmpty() ? "" : " (" + note + ")");
        }
    }

    private static final long PROBE_TIMEOUT_MILLIS = 1_500;
    /** Writes in flight at once while a member is down for {@link FaultKind#CATCH_UP}. */
    private static final int BURST_IN_FLIGHT_MAX = 64;
    /** Writes beyond the member kind's compaction distance, for the workload's own gaps. */
    private static final int CATCH_UP_MARGIN_ENTRIES = 100;
    private static final long MAJORITY_PROBE_MILLIS_MAX = 15_000;

    private final LocalCluster cluster;
    private final SplittableRandom random;
    private final List<FaultKind> kinds;
    private final int faultsMax;
    private final Duration recoverMax;
    private final List<Injected> injected = new ArrayList<>();
    private final List<String> findings = new ArrayList<>();
    private long startNanos;
    private int probes;

    /** Injects faults of the given {@code kinds} (a member may not serve every admin call). */
    Nemesis(LocalCluster cluster, long seed, Set<FaultKind> kinds, int faultsMax,
            Duration recoverMax) {
        this.cluster = cluster;
        this.random = new SplittableRandom(seed);
        this.kinds = List.copyOf(new TreeSet<>(kinds));
        this.faultsMax = faultsMax;
        this.recoverMax = recoverMax;
    }

    /** Injects faults until {@code runFor} has passed or {@code faultsMax} were injected. */
    void run(Duration runFor) throws Exception {
        startNanos = System.nanoTime();
        long endNanos = startNanos + runFor.toNanos();
        while (injected.size() < faultsMax && System.nanoTime() - endNanos < 0) {
            sleepMillis(500 + random.nextInt(1_000));
            FaultKind kind = kinds.get(random.nextInt(kinds.size()));
            long atMillis = elapsedMillis();
            injected.add(inject(kind, atMillis));
            cluster.heal();
            cluster.awaitHealthy(recoverMax);
        }
    }

    private Injected inject(FaultKind kind, long atMillis) throws Exception {
        int leader = cluster.leaderSlot().orElse(random.nextInt(cluster.size()));
        int target = random.nextBoolean() ? leader : random.nextInt(cluster.size());
        long holdMillis = 1_000 + random.nextInt(3_000);
        String name = cluster.member(target).name();
        String note = "";
        switch (kind) {
            case KILL -> {
                cluster.member(target).kill();
                sleepMillis(holdMillis);
                cluster.member(target).restart();
            }
            case PAUSE -> {
                cluster.member(target).pause();
                sleepMillis(holdMillis);
                cluster.member(target).resume();
            }
            case ISOLATE -> {
                for (int other = 0; other < cluster.size(); other++) {
                    if (other != target) {
                        cluster.links.drop(target, other);
                        cluster.links.drop(other, target);
                    }
                }
                cluster.cutDropping();
                long probeStart = System.nanoTime();
                note = probeMinority(target) + "; " + probeMajority(target);
                sleepMillis(holdMillis - (System.nanoTime() - probeStart) / 1_000_000);
            }
            case ONE_WAY -> {
                boolean outbound = random.nextBoolean();
                for (int other = 0; other < cluster.size(); other++) {
                    if (other != target) {
                        cluster.links.drop(outbound ? target : other, outbound ? other : target);
                    }
                }
                cluster.cutDropping();
                note = outbound ? "it cannot send" : "it cannot receive";
                sleepMillis(holdMillis);
            }
            case DELAY -> {
                long delayMillis = 20 + random.nextInt(180);
                for (int from = 0; from < cluster.size(); from++) {
                    for (int to = 0; to < cluster.size(); to++) {
                        cluster.links.delay(from, to, delayMillis);
                    }
                }
                name = "all links";
                note = delayMillis + " ms each way";
                sleepMillis(holdMillis);
            }
            case MOVE_LEADER -> {
                int to = (leader + 1 + random.nextInt(cluster.size() - 1)) % cluster.size();
                name = cluster.member(leader).name() + " to " + cluster.member(to).name();
                note = refusal(() -> cluster.moveLeader(leader, to));
                holdMillis = 0;
            }
            case REPLACE -> {
                int follower = (leader + 1 + random.nextInt(cluster.size() - 1)) % cluster.size();
                name = cluster.member(follower).name();
                note = refusal(() -> cluster.removeMember(follower, leader));
                if (note.isEmpty()) {
                    cluster.addBack(follower, leader);
                    note = "now " + cluster.member(follower).name();
                }
                holdMillis = 0;
            }
            case CATCH_UP -> {
                int follower = (leader + 1 + random.nextInt(cluster.size() - 1)) % cluster.size();
                name = cluster.member(follower).name();
                long downStart = System.nanoTime();
                note = catchUp(follower, leader);
                holdMillis = (System.nanoTime() - downStart) / 1_000_000;
            }
        }
        return new Injected(kind, name, atMillis, holdMillis, note);
    }

    /** An administrative call that may be refused (leadership moved meanwhile) and why. */
    private interface AdminCall {
        void run() throws Exception;
    }

    /**
     * Runs {@code call}; returns "" if it succeeded, or the refusal. The cluster must still
     * recover afterwards, which {@link #run} checks.
     */
    private static String refusal(AdminCall call) {
        try {
            call.run();
            return "";
        } catch (Exception refused) {
            return "refused: " + refused.getMessage();
        }
    }

    /**
     * Kills {@code follower}, writes through {@code via} until the leader's log is compacted past
     * the follower's last index, restarts it, and waits until its log says it installed a snapshot
     * of the leader's: catching up any other way is a finding, so is a majority that stalls.
     */
    private String catchUp(int follower, int via) throws Exception {
        ClusterMember member = cluster.member(follower);
        String installed = member.kind.snapshotInstalledLog();
        long installedBefore = member.logLinesWith(installed);
        member.kill();
        int wanted = member.kind.compactionEntries() + CATCH_UP_MARGIN_ENTRIES;
        int written = writeBurst(via, wanted);
        if (written < wanted) {
            findings.add("the majority acknowledged " + written + " of " + wanted
                    + " writes while " + member.name() + " was down");
        }
        member.restart();
        long deadline = System.nanoTime() + recoverMax.toNanos();
        while (member.logLinesWith(installed) == installedBefore) {
            if (System.nanoTime() - deadline > 0 || !member.isAlive()) {
                if (member.kind.snapshotCatchUpAssured()) {
                    findings.add(member.name() + " came back after " + written + " writes"
                            + " without it and did not install a snapshot within " + recoverMax);
                }
                return written + " writes while down; NO SNAPSHOT INSTALLED";
            }
            sleepMillis(100);
        }
        return written + " writes while down; caught up from a snapshot";
    }

    /** Puts {@code count} probe keys through {@code via}, pipelined; returns the acknowledged. */
    private int writeBurst(int via, int count) throws InterruptedException {
        KV kv = cluster.admin(via).getKVClient();
        Semaphore inFlight = new Semaphore(BURST_IN_FLIGHT_MAX);
        AtomicInteger acknowledged = new AtomicInteger();
        String prefix = "probe/catch-up/" + probes++ + "/";
        for (int i = 0; i < count; i++) {
            if (!inFlight.tryAcquire(recoverMax.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
            kv.put(LocalCluster.bytes(prefix + i), LocalCluster.bytes("probe"))
                    .whenComplete((response, failure) -> {
                        if (failure == null) {
                            acknowledged.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        if (inFlight.tryAcquire(BURST_IN_FLIGHT_MAX, recoverMax.toMillis(),
                TimeUnit.MILLISECONDS)) {
            inFlight.release(BURST_IN_FLIGHT_MAX);
        }
        return acknowledged.get();
    }

    /** A write through the cut-off member must not be acknowledged. */
    private String probeMinority(int target) {
        String key = "probe/minority/" + probes++;
        try {
            put(cluster.admin(target).getKVClient(), key);
            findings.add("a write through " + cluster.member(target).name()
                    + " was acknowledged while it was cut off from the others (" + key + ")");
            return "minority write acknowledged";
        } catch (Exception expected) {
            return "minority write refused";
        }
    }

    /** A write through the rest must be acknowledged within a few election timeouts. */
    private String probeMajority(int target) throws InterruptedException {
        int via = (target + 1) % cluster.size();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(MAJORITY_PROBE_MILLIS_MAX);
        while (System.nanoTime() - deadline < 0) {
            try {
                put(cluster.admin(via).getKVClient(), "probe/majority/" + probes++);
                return "majority wrote after " + (System.nanoTime() - start) / 1_000_000 + " ms";
            } catch (Exception retry) {
                sleepMillis(100);
            }
        }
        findings.add("the majority without " + cluster.member(target).name()
                + " acknowledged no write in " + MAJORITY_PROBE_MILLIS_MAX + " ms");
        return "majority made no progress";
    }

    private static void put(KV kv, String key) throws Exception {
        kv.put(LocalCluster.bytes(key), LocalCluster.bytes("probe"))
                .get(PROBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void sleepMillis(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    List<Injected> injected() {
        return injected;
    }

    /** Broken promises seen while faults were held; a correct cluster has none. */
    List<String> findings() {
        return findings;
    }
}
