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
import java.util.concurrent.CompletableFuture;
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

    private static RealEtcd etcd;
    private static MemberProcess etcetera;
    private static Path work;

    /** One etcdctl run: what it reads on standard input, and its arguments. */
    private record Step(String input, List<String> arguments) {}

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
        // Compaction and its errors.
        steps.add(step("compact", Long.toString(base + 3)));
        steps.add(step("compact", Long.toString(base + 3)));
        steps.add(step("compact", Long.toString(base + 100000)));
        steps.add(step("get", p + "foo", "--rev=" + (base + 1)));
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
        // Limits.
        steps.add(txn("", IntStream.rangeClosed(1, 129).mapToObj(i -> "put " + p + "k" + i + " v")
                .collect(Collectors.joining("\n")), ""));
        steps.add(new Step("x".repeat(1_700_000), List.of("put", p + "big")));
        return steps;
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
            List<String> arguments = step.arguments().stream()
                    .map(argument -> argument.replace("TARGET", target)).toList();
            Etcdctl.Result result = Etcdctl.runWithInput(endpoint,
                    step.input().getBytes(StandardCharsets.UTF_8),
                    arguments.toArray(String[]::new));
            String port = endpoint.substring(endpoint.lastIndexOf(':') + 1);
            return "exit " + result.exitStatus() + "\n"
                    + normalize(result.stdout(), port, target) + "--- stderr\n"
                    + normalize(errors(result.stderr()), port, target);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
