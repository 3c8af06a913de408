package io.etcetera.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.bench.load.ByteStrings;
import io.etcetera.bench.load.Endpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class BenchmarkOptionsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine commandLine() {
        CommandLine commandLine = Benchmark.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }

    private static Object rootValue(CommandLine commandLine, String option) {
        return commandLine.getCommandSpec().findOption(option).getValue();
    }

    private static Object value(ParseResult parsed, String option) {
        return parsed.commandSpec().findOption(option).getValue();
    }

    @Test
    void globalFlagsWorkBeforeAndAfterTheSubcommandAsEtcdsPersistentFlags() {
        CommandLine before = commandLine();
        before.parseArgs("--endpoints=a:1,http://b:2", "--conns", "3", "--clients", "30", "put");
        CommandLine after = commandLine();
        after.parseArgs("put", "--endpoints=a:1,http://b:2", "--conns", "3", "--clients", "30");

        for (CommandLine parsed : List.of(before, after)) {
            assertThat(rootValue(parsed, "--endpoints"))
                    .isEqualTo(List.of(new Endpoint("a", 1), new Endpoint("b", 2)));
            assertThat(rootValue(parsed, "--conns")).isEqualTo(3);
            assertThat(rootValue(parsed, "--clients")).isEqualTo(30);
        }
    }

    @Test
    void defaultsAreEtcds() {
        CommandLine commandLine = commandLine();
        ParseResult parsed = commandLine.parseArgs("put").subcommand();

        assertThat(rootValue(commandLine, "--endpoints"))
                .isEqualTo(List.of(new Endpoint("127.0.0.1", 2379)));
        assertThat(rootValue(commandLine, "--conns")).isEqualTo(1);
        assertThat(rootValue(commandLine, "--clients")).isEqualTo(1);
        assertThat(value(parsed, "--total")).isEqualTo(10_000L);
        assertThat(value(parsed, "--key-size")).isEqualTo(8);
        assertThat(value(parsed, "--val-size")).isEqualTo(8);
        assertThat(value(parsed, "--key-space-size")).isEqualTo(1L);
        assertThat(value(parsed, "--rate")).isEqualTo(0.0);
        assertThat(value(parsed, "--sequential-keys")).isEqualTo(false);
    }

    @Test
    void perCommandFlagsAreParsed() {
        ParseResult parsed = commandLine().parseArgs("range", "foo", "fop", "--consistency=s",
                "--total", "5", "--rate", "100", "--max-duration", "1m30s", "--limit", "7")
                .subcommand();

        assertThat(parsed.matchedPositionals()).extracting(p -> p.getValue().toString())
                .containsExactly("foo", "fop");
        assertThat(parsed.matchedOptionValue("--consistency", Consistency.LINEARIZABLE))
                .isEqualTo(Consistency.SERIALIZABLE);
        assertThat(parsed.matchedOptionValue("--total", 0L)).isEqualTo(5L);
        assertThat(parsed.matchedOptionValue("--rate", 0.0)).isEqualTo(100.0);
        assertThat(parsed.matchedOptionValue("--max-duration", Duration.ZERO))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(parsed.matchedOptionValue("--limit", 0L)).isEqualTo(7L);
    }

    @Test
    void consistencyTakesOnlyLOrS() {
        int exitCode = commandLine().execute("range", "foo", "--consistency", "x");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("expected l (linearizable) or s (serializable)");
    }

    @Test
    void rangeWithoutAKeyIsRefusedBeforeAnyRequest() {
        int exitCode = commandLine().execute("--endpoints", "127.0.0.1:1", "range");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("range needs a key (or --prefix)");
    }

    @Test
    void keySizeTooSmallForTheKeySpaceIsRefusedBeforeAnyRequest() {
        int exitCode = commandLine().execute("--endpoints", "127.0.0.1:1", "put",
                "--key-size", "1", "--key-space-size", "1000");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.SOFTWARE);
        assertThat(err.toString()).contains("--key-size 1 is too small for --key-space-size 1000");
    }

    @Test
    void labelsAreKeyValuePairs() {
        CommandLine commandLine = commandLine();
        commandLine.parseArgs("put", "--label", "target=etcd", "--label", "members=3");

        assertThat(rootValue(commandLine, "--label"))
                .isEqualTo(Map.of("target", "etcd", "members", "3"));
    }

    @Test
    void helpListsEtcdsSubcommands() {
        int exitCode = commandLine().execute("--help");

        assertThat(exitCode).isZero();
        for (String command : List.of("put", "range", "txn-put", "txn-mixed", "watch",
                "watch-latency", "lease-keepalive")) {
            assertThat(out.toString()).containsPattern("\n  " + command + " +Benchmark");
        }
    }

    @Test
    void durationsAreGoDurations() {
        assertThat(GoDuration.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDuration.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> GoDuration.parse("10")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> GoDuration.parse("10x")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> GoDuration.parse("s")).hasMessageContaining("not a duration");
    }

    @Test
    void freePortsPrintsDistinctPorts() {
        int exitCode = commandLine().execute("free-ports", "6");

        assertThat(exitCode).isZero();
        int[] ports = Arrays.stream(out.toString().trim().split(" "))
                .mapToInt(Integer::parseInt).toArray();
        assertThat(ports).hasSize(6).doesNotHaveDuplicates();
        assertThat(Arrays.stream(ports)).allMatch(port -> port > 0 && port <= 65_535);
    }

    @Test
    void prefixEndIsEtcdsPrefixRangeEnd() {
        assertThat(RangeCommand.prefixEnd(ByteStrings.of('a', 'b')))
                .isEqualTo(ByteStrings.of('a', 'c'));
        assertThat(RangeCommand.prefixEnd(ByteStrings.of('a', 0xff)))
                .isEqualTo(ByteStrings.of('b'));
        assertThat(RangeCommand.prefixEnd(ByteStrings.of(0xff, 0xff)))
                .isEqualTo(ByteStrings.of(0));
        assertThat(RangeCommand.prefixEnd(ByteStrings.of())).isEqualTo(ByteStrings.of(0));
    }
}
