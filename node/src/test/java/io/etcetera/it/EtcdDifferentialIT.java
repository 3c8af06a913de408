package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.api.Etcdctl;
import io.etcetera.api.RealEtcd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One etcdctl scenario against real etcd 3.4 and against Etcetera, started with the same etcd
 * flags (so both compute the same member and cluster IDs): after normalizing what may differ
 * (ports, sizes, durations, Raft indexes, log timestamps), every command prints the same thing and
 * exits the same way. Revisions, values, counts, IDs and error messages are compared as printed.
 * The scenario runs twice: with {@code host:port} endpoints, then with {@code http://host:port}.
 */
class EtcdDifferentialIT {

    private static final Pattern ERROR_FIELD = Pattern.compile("\"error\":\"([^\"]+)\"");
    private static final Pattern TOOK = Pattern.compile("took = [0-9.]+[µmn]?s");
    private static final Pattern SIZE = Pattern.compile("\\d+(\\.\\d+)? [kMG]?B");
    private static final Pattern LEASE_GRANTED = Pattern.compile("lease ([0-9a-f]+) granted");
    private static final Pattern REMAINING = Pattern.compile("remaining\\(\\d+s\\)");
    /** How long a watch step runs before it is ended. */
    private static final long WATCH_MILLIS = 3000;

    private static RealEtcd etcd;
    private static MemberProcess etcetera;
    private static Path work;
    /** The lease each target granted last: steps name it {@code LEASE}. */
    private static final Map<String, String> LEASES = new ConcurrentHashMap<>();
    /**
     * Every lease each target granted, oldest first: steps name the one granted {@code k}
     * grants before the last {@code LEASE-k}.
     */
    private static final Map<String, List<String>> GRANTED = new ConcurrentHashMap<>();
    /** A reference to an earlier grant in a step, or in what a target printed. */
    private static final Pattern EARLIER_LEASE = Pattern.compile("LEASE-(\\d)");
    /** Grants a step may refer back to. */
    private static final int EARLIER_LEASES_MAX = 3;

    /**
     * One etcdctl run: what it reads on standard input, its arguments, and for a command that
     * never ends (watch) how long it runs before it is ended; 0 to wait for its exit.
     */
    private record Step(String input, List<String> arguments, long runMillis) {

        Step(String input, List<String> arguments) {
            this(input, arguments, 0);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory(Path.of("target"), "differential-");
        etcd = RealEtcd.start(List.of("--initial-cluster-token", "differential"));
        etcetera = MemberProcess.start(work.resolve("etcetera"), List.of(
                "--initial-advertise-peer-urls", etcd.peerUrl(),
                "--initial-cluster", "default=" + etcd.peerUrl(),
                "--initial-cluster-token", "differential"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (etcetera != null) {
            etcetera.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void etcdctlPrintsTheSameAgainstEtcdAndEtcetera() throws Exception {
        runScenario("a/", "");
        runScenario("b/", "http://");
    }

    private void runScenario(String prefix, String scheme) throws Exception {
        long base = currentRevision();
        List<Step> steps = scenario(prefix, base);
        for (Step step : steps) {
            CompletableFuture<String> expected = CompletableFuture.supplyAsync(
                    () -> run(scheme + etcd.endpoint(), step, "reference"));
            String actual = run(scheme + etcetera.endpoint(), step, "candidate");
            assertThat(actual).as("etcdctl %s (%s endpoints)", step.arguments(),
                    scheme.isEmpty() ? "host:port" : "http://").isEqualTo(expected.get());
        }
    }

    /** The revision both hold now (their histories are equal), read from real etcd. */
    private static long currentRevision() throws Exception {
        String json = Etcdctl.run(etcd.endpoint(), "get", "none", "-w", "json").stdout();
        Matcher revision = Pattern.compile("\"revision\":(\\d+)").matcher(json);
        assertThat(revision.find()).as(json).isTrue();
        return Long.parseLong(revision.group(1));
    }

    private static List<Step> scenario(String p, long base) {
        List<Step> steps = new ArrayList<>();
        // Put options.
        steps.add(step("put", p + "foo", "bar"));
        steps.add(step("put", p + "foo", "bar2", "--prev-kv"));
        steps.add(step("put", p + "foo", "--ignore-value"));
        steps.add(step("put", p + "missing", "--ignore-value"));
        steps.add(step("put", p + "leased", "v", "--lease=1234abcd"));
        for (String key : List.of("a1", "a2", "a3", "b1", "c1")) {
            steps.add(step("put", p + key, "value-" + key));
        }
        // Every range form.
        steps.add(step("get", p + "foo"));
        steps.add(step("get", p + "foo", "-w", "json"));
        steps.add(step("get", p + "nothing"));
        steps.add(step("get", p + "a", "--prefix"));
        steps.add(step("get", p + "a1", p + "a3"));
        steps.add(step("get", p + "b1", "--from-key", "--keys-only"));
        steps.add(step("get", p, "--prefix", "--limit=2", "-w", "json"));
        steps.add(step("get", p, "--prefix", "--sort-by=MODIFY", "--order=DESCEND"));
        steps.add(step("get", p, "--prefix", "--sort-by=VALUE", "--order=ASCEND", "--keys-only"));
        steps.add(step("get", p, "--prefix", "--sort-by=CREATE", "--order=DESCEND"));
        steps.add(step("get", p, "--prefix", "--sort-by=VERSION", "--keys-only"));
        steps.add(step("get", p, "--prefix", "--count-only", "-w", "json"));
        steps.add(step("get", p, "--prefix", "--print-value-only"));
        steps.add(step("get", p + "foo", "--rev=" + (base + 1)));
        steps.add(step("get", p + "foo", "--consistency=s", "-w", "json"));
        // Delete.
        steps.add(step("del", p + "a1"));
        steps.add(step("del", p + "a", "--prefix", "--prev-kv"));
        steps.add(step("del", p + "zz"));
        steps.add(step("del", p + "b1", p + "c2", "-w", "json"));
        // Txn with each compare target etcdctl 3.4 can send (its lease compare panics in the
        // client), both branches, and a read-only txn.
        steps.add(txn("value(\"" + p + "foo\") = \"bar2\"", "put " + p + "t yes",
                "put " + p + "t no"));
        steps.add(txn("version(\"" + p + "foo\") > \"5\"", "put " + p + "t yes",
                "get " + p + "t"));
        steps.add(txn("create(\"" + p + "foo\") = \"" + (base + 1) + "\"",
                "get " + p + "foo", "put " + p + "t no"));
        steps.add(txn("mod(\"" + p + "t\") < \"" + (base + 1) + "\"", "del " + p + "t",
                "get " + p + "t"));
        steps.add(txn("value(\"" + p + "nothing\") = \"x\"", "get " + p + "foo",
                "get " + p + "t"));
        // Watch: replay from a revision, with prev_kv, and a filtered prefix.
        steps.add(watch("watch", p + "foo", "--rev=" + (base + 1)));
        steps.add(watch("watch", p, "--prefix", "--rev=" + (base + 1), "--prev-kv"));
        // Compaction and its errors.
        steps.add(step("compact", Long.toString(base + 3)));
        steps.add(step("compact", Long.toString(base + 3)));
        steps.add(step("compact", Long.toString(base + 100000)));
        steps.add(step("get", p + "foo", "--rev=" + (base + 1)));
        steps.add(watch("watch", p + "foo", "--rev=" + (base + 1)));
        steps.add(step("compact", Long.toString(base + 5), "--physical"));
        // Maintenance.
        steps.add(step("endpoint", "status"));
        steps.add(step("endpoint", "health"));
        steps.add(step("endpoint", "hashkv"));
        steps.add(step("alarm", "list"));
        steps.add(step("defrag"));
        steps.add(step("member", "list"));
        steps.add(step("snapshot", "save",
                work.resolve(p.replace("/", "") + "-TARGET.snapshot").toString()));
        // Leases after the HashKV above: the two servers choose different lease IDs, which the
        // hashed pairs would carry until a later compaction drops them.
        leases(steps, p);
        // Limits.
        steps.add(txn("", IntStream.rangeClosed(1, 129).mapToObj(i -> "put " + p + "k" + i + " v")
                .collect(Collectors.joining("\n")), ""));
        steps.add(new Step("x".repeat(1_700_000), List.of("put", p + "big")));
        return steps;
    }

    /** Lease commands: grant, attach, TimeToLive, keep-alive, list, revoke, and their errors. */
    private static void leases(List<Step> steps, String p) {
        steps.add(step("lease", "grant", "600"));
        steps.add(step("put", p + "leased2", "v", "--lease=LEASE"));
        steps.add(step("lease", "timetolive", "LEASE"));
        // One attached key while listing them: etcd lists a lease's keys in Go's map order.
        steps.add(step("lease", "timetolive", "LEASE", "--keys"));
        steps.add(step("put", p + "leased3", "w", "--lease=LEASE"));
        steps.add(step("lease", "keep-alive", "--once", "LEASE"));
        steps.add(step("lease", "list"));
        steps.add(step("put", p + "leased2", "v2", "--ignore-lease"));
        steps.add(step("get", p + "leased2", "-w", "json"));
        steps.add(step("lease", "timetolive", "1234"));
        steps.add(step("lease", "keep-alive", "--once", "1234"));
        steps.add(step("lease", "revoke", "LEASE"));
        steps.add(step("get", p + "leased", "--prefix"));
        steps.add(step("lease", "revoke", "LEASE"));
        steps.add(step("lease", "grant", "9000000001"));
        // etcd's leader lists leases soonest expiry first, not in grant or ID order.
        steps.add(step("lease", "grant", "900"));
        steps.add(step("lease", "grant", "300"));
        steps.add(step("lease", "grant", "600"));
        steps.add(step("lease", "list"));
        steps.add(step("lease", "list", "-w", "json"));
        for (int k = 0; k < EARLIER_LEASES_MAX; k++) {
            steps.add(step("lease", "revoke", "LEASE-" + k));
        }
    }

    /** A watch step: it runs for {@link #WATCH_MILLIS} and is then ended. */
    private static Step watch(String... arguments) {
        return new Step("", List.of(arguments), WATCH_MILLIS);
    }

    private static Step step(String... arguments) {
        return new Step("", List.of(arguments));
    }

    /** etcdctl's txn script: compares, a blank line, success ops, a blank line, failure ops. */
    private static Step txn(String compares, String success, String failure) {
        return new Step(compares + "\n\n" + success + "\n\n" + failure + "\n\n", List.of("txn"));
    }

    private static String run(String endpoint, Step step, String target) {
        try {
            String lease = LEASES.getOrDefault(target, "none");
            List<String> arguments = step.arguments().stream()
                    .map(argument -> earlierLease(argument, target))
                    .map(argument -> argument.replace("TARGET", target).replace("LEASE", lease))
                    .toList();
            Etcdctl.Result result = step.runMillis() > 0
                    ? Etcdctl.runFor(step.runMillis(), endpoint, arguments.toArray(String[]::new))
                    : Etcdctl.runWithInput(endpoint, step.input().getBytes(StandardCharsets.UTF_8),
                            arguments.toArray(String[]::new));
            Matcher granted = LEASE_GRANTED.matcher(result.stdout());
            if (granted.find()) {
                LEASES.put(target, granted.group(1));
                GRANTED.computeIfAbsent(target, t -> new ArrayList<>()).add(granted.group(1));
            }
            String port = endpoint.substring(endpoint.lastIndexOf(':') + 1);
            return "exit " + result.exitStatus() + "\n"
                    + normalize(result.stdout(), port, target) + "--- stderr\n"
                    + normalize(errors(result.stderr()), port, target);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code argument} with {@code LEASE-k} replaced by the ID of that earlier grant. */
    private static String earlierLease(String argument, String target) {
        Matcher earlier = EARLIER_LEASE.matcher(argument);
        if (!earlier.find()) {
            return argument;
        }
        List<String> granted = GRANTED.getOrDefault(target, List.of());
        int index = granted.size() - 1 - Integer.parseInt(earlier.group(1));
        return earlier.replaceFirst(index >= 0 ? granted.get(index) : "none");
    }

    /** Standard error without the timestamps of clientv3's JSON log lines; errors kept. */
    private static String errors(String stderr) {
        StringBuilder kept = new StringBuilder();
        for (String line : stderr.split("\n")) {
            if (line.startsWith("{")) {
                Matcher error = ERROR_FIELD.matcher(line);
                if (error.find()) {
                    kept.append("log error: ").append(error.group(1)).append('\n');
                }
            } else if (!line.isBlank()) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    /**
     * Replaces what legitimately differs: the port, durations, sizes, and in status tables the
     * Raft index columns (etcd's log also holds entries etcd writes for its own bookkeeping).
     */
    private static String normalize(String text, String port, String target) {
        String result = text.replace(port, "PORT").replace("-" + target + ".", "-TARGET.");
        List<String> granted = GRANTED.getOrDefault(target, List.of());
        for (int k = 0; k < Math.min(EARLIER_LEASES_MAX, granted.size()); k++) {
            String lease = granted.get(granted.size() - 1 - k);
            String name = k == 0 ? "LEASE" : "LEASE-" + k;
            result = result.replace(lease, name)
                    .replace(Long.toString(Long.parseUnsignedLong(lease, 16)), name);
        }
        result = REMAINING.matcher(result).replaceAll("remaining(Ns)");
        result = TOOK.matcher(result).replaceAll("took = T");
        result = SIZE.matcher(result).replaceAll("SIZE");
        StringBuilder lines = new StringBuilder();
        for (String line : result.split("\n", -1)) {
            String[] cells = line.split("\\|", -1);
            if (cells.length == 12 && !line.contains("RAFT INDEX")) {
                cells[8] = " INDEX ";
                cells[9] = " INDEX ";
                line = String.join("|", cells);
            } else if (line.contains(", 3.4.23, ")) {
                line = line.replaceAll(", \\d+, \\d+, $", ", INDEX, INDEX, ");
            }
            lines.append(line).append('\n');
        }
        return lines.toString();
    }
}
