package io.etcetera.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.etcetera.cluster.linearizability.Budget;
import io.etcetera.cluster.linearizability.CheckResult;
import io.etcetera.cluster.linearizability.HistoryFile;
import io.etcetera.cluster.linearizability.LinearizabilityChecker;
import io.etcetera.cluster.linearizability.Operation;
import io.etcetera.cluster.linearizability.Verdict;
import io.etcetera.watchcheck.History;
import io.etcetera.watchcheck.Violation;
import io.etcetera.watchcheck.WatchChecker;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Three real members on loopback under a seeded {@link Nemesis} (kill -9, SIGSTOP, partitions
 * through the {@link PeerProxy}s, slow links, MoveLeader, member remove and add, a member down
 * until it must catch up from a snapshot) while {@link
 * RegisterWorkload} clients do get / put / compare-and-set and {@link WatchRecorder}s stay open.
 * After each run: the history is linearizable ({@link LinearizabilityChecker}; saved under
 * {@code target/histories/} when it is not), every watcher got every event in order with the right
 * prev_kv ({@link WatchChecker} against the full history read back from revision 1), HashKV is
 * equal on all members, and no fault broke a promise the nemesis checks on the spot.
 *
 * <p>Properties: {@code -Dcluster.member=etcetera|etcd} (which server; etcd proves the harness),
 * {@code -Dcluster.seed=N} (first seed), {@code -Detcetera.soak.minutes=N} (run back to back, one
 * fresh cluster and seed per run of up to five minutes of faults, for N minutes; without it, one
 * 30-second run), {@code -Dcluster.reads=serializable} (reads served from a member's own state:
 * the run must then fail with stale reads under partitions, which proves the harness sees them).
 */
class ClusterFaultIT {

    private static final boolean SERIALIZABLE_READS =
            System.getProperty("cluster.reads", "linearizable").equals("serializable");
    private static final int MEMBERS = 3;
    private static final int CLIENTS = 6;
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration START_MAX = Duration.ofSeconds(120);
    private static final Duration RECOVER_MAX = Duration.ofSeconds(45);
    private static final Duration CATCH_UP_MAX = Duration.ofSeconds(45);

    /** What one run did and found. */
    record RunReport(long seed, List<Nemesis.Injected> faults, CheckResult linearizability,
            int unknownWrites, List<Violation> watchViolations, int watchers, int watchEvents,
            List<String> findings, List<Integer> hashes, long finalRevision) {

        boolean clean() {
            return linearizability.verdict() == Verdict.LINEARIZABLE && watchViolations.isEmpty()
                    && findings.isEmpty() && hashes.stream().distinct().count() == 1;
        }

        String describe() {
            return "seed " + seed + ": " + faults.size() + " faults, "
                    + linearizability.operationCount() + " operations (" + unknownWrites
                    + " unknown writes) " + linearizability.verdict() + ", " + watchers
                    + " watchers " + watchEvents + " events " + watchViolations.size()
                    + " watch violations, " + findings.size() + " findings, revision "
                    + finalRevision + " hashes " + hashes;
        }
    }

    @Test
    void clientsStayLinearizableAndWatchersLoseNothingUnderFaults() throws Exception {
        MemberKind kind = MemberKind.fromProperty();
        long firstSeed = Long.getLong("cluster.seed", 1);
        long soakMinutes = Long.getLong("etcetera.soak.minutes", 0);
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")),
                "faults-" + kind.name().toLowerCase() + "-");
        List<RunReport> reports = new ArrayList<>();
        long soakEnd = System.nanoTime() + TimeUnit.MINUTES.toNanos(soakMinutes);
        long seed = firstSeed;
        do {
            long runMinutes = Math.min(soakMinutes, 5);
            Duration faultsFor = soakMinutes > 0 ? Duration.ofMinutes(runMinutes)
                    : Duration.ofSeconds(30);
            RunReport report = run(kind, seed, faultsFor,
                    soakMinutes > 0 ? (int) (40 * runMinutes) : 12, EnumSet.allOf(
                            Nemesis.FaultKind.class), dir.resolve("seed-" + seed));
            System.out.println("[faults] " + kind + " " + report.describe());
            report.faults().forEach(fault -> System.out.println("[faults]   " + fault));
            reports.add(report);
            assertClean(report, kind);
            seed++;
        } while (System.nanoTime() - soakEnd < 0);
        summarize(kind, firstSeed, reports);
    }

    /**
     * Members down while the leader compacts its log past them catch up from streamed snapshots,
     * under the same workload, watchers and checks: every fault is {@link
     * Nemesis.FaultKind#CATCH_UP}, which fails the run unless the member's log shows that it
     * installed a snapshot (on Etcetera; see {@link MemberKind#snapshotCatchUpAssured}). Up to
     * two faults; with {@code -Detcetera.soak.minutes}, eight in up to two minutes.
     */
    @Test
    void membersDownPastTheLeadersCompactionCatchUpFromSnapshots() throws Exception {
        MemberKind kind = MemberKind.fromProperty();
        long seed = Long.getLong("cluster.seed", 1);
        boolean soak = Long.getLong("etcetera.soak.minutes", 0) > 0;
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")),
                "catch-up-" + kind.name().toLowerCase() + "-");
        RunReport report = run(kind, seed, soak ? Duration.ofMinutes(2) : Duration.ofSeconds(15),
                soak ? 8 : 2, EnumSet.of(Nemesis.FaultKind.CATCH_UP),
                dir.resolve("seed-" + seed));
        System.out.println("[faults] catch-up " + kind + " " + report.describe());
        report.faults().forEach(fault -> System.out.println("[faults]   " + fault));
        assertClean(report, kind);
        assertThat(report.faults()).allMatch(fault -> fault.kind() == Nemesis.FaultKind.CATCH_UP
                && (fault.note().contains("caught up from a snapshot")
                        || !kind.snapshotCatchUpAssured()));
    }

    private static RunReport run(MemberKind kind, long seed, Duration faultsFor, int faultsMax,
            Set<Nemesis.FaultKind> faultKinds, Path dir) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(kind, MEMBERS, dir, START_MAX)) {
            long start = cluster.admin(0).getKVClient().get(LocalCluster.bytes("reg/"))
                    .get(10, TimeUnit.SECONDS).getHeader().getRevision() + 1;
            List<WatchRecorder> watchers = new ArrayList<>();
            List<Client> watchClients = new ArrayList<>();
            try {
                if (WatchRecorder.served(cluster.admin(0), Duration.ofSeconds(20))) {
                    for (int slot = 0; slot < MEMBERS; slot++) {
                        watchers.add(new WatchRecorder("on " + cluster.member(slot).name(),
                                cluster.admin(slot), RegisterWorkload.PREFIX, start));
                    }
                    Client all = Client.builder().endpoints(cluster.clientUrls()
                            .toArray(String[]::new)).build();
                    watchClients.add(all);
                    watchers.add(new WatchRecorder("on all", all, RegisterWorkload.PREFIX,
                            start));
                } else {
                    System.out.println("[faults] " + kind + " does not serve etcdserverpb.Watch:"
                            + " NO WATCH CHECKS in this run");
                }

                RegisterWorkload workload = new RegisterWorkload(cluster.clientUrls(), CLIENTS,
                        seed, OPERATION_TIMEOUT, SERIALIZABLE_READS);
                workload.start();
                Set<Nemesis.FaultKind> kinds = EnumSet.copyOf(faultKinds);
                if (kinds.contains(Nemesis.FaultKind.REPLACE) && !cluster.servesMemberRemove()) {
                    kinds.remove(Nemesis.FaultKind.REPLACE);
                    System.out.println("[faults] " + kind + " does not serve MemberRemove:"
                            + " NO MEMBER REMOVE/ADD FAULTS in this run");
                }
                Nemesis nemesis = new Nemesis(cluster, seed, kinds, faultsMax, RECOVER_MAX);
                List<Operation> history;
                try {
                    nemesis.run(faultsFor);
                    cluster.heal();
                    cluster.awaitHealthy(RECOVER_MAX);
                    Thread.sleep(2_000);
                } finally {
                    history = workload.stop();
                }
                return check(cluster, seed, nemesis, history, watchers, dir);
            } finally {
                watchers.forEach(WatchRecorder::close);
                watchClients.forEach(Client::close);
            }
        }
    }

    private static RunReport check(LocalCluster cluster, long seed, Nemesis nemesis,
            List<Operation> history, List<WatchRecorder> watchers, Path dir) throws Exception {
        CheckResult linearizability = LinearizabilityChecker.check(history, Budget.DEFAULT);
        if (linearizability.verdict() != Verdict.LINEARIZABLE) {
            Path saved = Files.createDirectories(Path.of("target", "histories"))
                    .resolve(dir.getParent().getFileName() + "-seed-" + seed + ".jsonl");
            HistoryFile.save(saved, history);
            System.out.println("[faults] history saved to " + saved.toAbsolutePath());
        }
        long finalRevision = cluster.admin(0).getKVClient().get(LocalCluster.bytes("reg/"))
                .get(10, TimeUnit.SECONDS).getHeader().getRevision();
        List<Integer> hashes = equalHashes(cluster, finalRevision);
        List<Violation> watchViolations = new ArrayList<>();
        int watchEvents = 0;
        if (!watchers.isEmpty()) {
            History committed = History.of(CommittedEvents.read(cluster.admin(0), finalRevision,
                    CATCH_UP_MAX));
            WatchChecker watchChecker = new WatchChecker(committed);
            for (WatchRecorder watcher : watchers) {
                int expected = committed.expectedEvents(watcher.spec(),
                        watcher.spec().startRevision()).size();
                awaitUntil(() -> watcher.eventCount() >= expected, CATCH_UP_MAX);
                watchViolations.addAll(watchChecker.checkComplete(watcher.observed()));
                watchEvents += watcher.eventCount();
            }
        }
        int unknownWrites = (int) history.stream().filter(Operation::isPending).count();
        return new RunReport(seed, nemesis.injected(), linearizability, unknownWrites,
                watchViolations, watchers.size(), watchEvents, nemesis.findings(), hashes,
                finalRevision);
    }

    /** HashKV of every member at {@code revision}, once they agree or the wait is over. */
    private static List<Integer> equalHashes(LocalCluster cluster, long revision)
            throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP_MAX.toNanos();
        List<Integer> hashes = List.of();
        while (System.nanoTime() - deadline < 0) {
            try {
                hashes = cluster.hashes(revision);
                if (hashes.stream().distinct().count() == 1) {
                    return hashes;
                }
            } catch (Exception notCaughtUp) {
                // a member has not applied the revision yet
            }
            Thread.sleep(200);
        }
        return hashes;
    }

    private static void awaitUntil(java.util.function.BooleanSupplier done, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
    }

    private static void assertClean(RunReport report, MemberKind kind) {
        StringBuilder why = new StringBuilder(kind + " " + report.describe());
        if (report.linearizability().verdict() != Verdict.LINEARIZABLE) {
            why.append('\n').append(report.linearizability().describe());
        }
        report.watchViolations().stream().limit(20).forEach(v -> why.append('\n').append(v));
        report.findings().forEach(finding -> why.append('\n').append(finding));
        assertThat(report.clean()).as(why.toString()).isTrue();
        assertThat(report.faults()).as("faults injected").isNotEmpty();
        assertThat(report.linearizability().operationCount()).as("operations checked")
                .isGreaterThan(100);
    }

    private static void summarize(MemberKind kind, long firstSeed, List<RunReport> reports) {
        int faults = reports.stream().mapToInt(r -> r.faults().size()).sum();
        int operations = reports.stream()
                .mapToInt(r -> r.linearizability().operationCount()).sum();
        int watchEvents = reports.stream().mapToInt(RunReport::watchEvents).sum();
        java.util.Map<Nemesis.FaultKind, Long> byKind = reports.stream()
                .flatMap(r -> r.faults().stream())
                .collect(java.util.stream.Collectors.groupingBy(Nemesis.Injected::kind,
                        java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        System.out.println("[faults] " + kind + ": " + reports.size() + " runs from seed "
                + firstSeed + ", " + faults + " faults " + byKind + ", " + operations
                + " operations checked, " + watchEvents + " watch events checked, 0 violations");
    }
}
