package io.etcetera.bench;

import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.Endpoint;
import io.etcetera.bench.report.Report;
import io.etcetera.bench.report.Summary;
import io.grpc.StatusRuntimeException;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code benchmark}: a low-level load generator for etcd v3 servers, after etcd's
 * tools/benchmark. It speaks etcd's gRPC API directly (jetcd-grpc stubs, no client library), over
 * {@code --conns} connections shared by {@code --clients} concurrent clients, and prints etcd's
 * report, or JSON with {@code --json}.
 *
 * <p>The options here apply to every subcommand and may be given before or after its name, as
 * etcd's persistent flags may. Subcommands reach them through {@code @ParentCommand}. Runs on the
 * main thread.
 */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        scope = ScopeType.INHERIT,
        version = "etcetera benchmark 0.1.0",
        description = "A low-level benchmark tool for etcd v3 servers (etcd, Etcetera).",
        subcommands = {
            PutCommand.class,
            RangeCommand.class,
            TxnPutCommand.class,
            TxnMixedCommand.class,
            WatchCommand.class,
            WatchLatencyCommand.class,
            LeaseKeepaliveCommand.class,
            CompareTableCommand.class,
            FreePortsCommand.class
        })
public final class Benchmark implements Callable<Integer> {
    /** How long to wait for every connection before the first request. */
    private static final Duration CONNECT_WAIT_MAX = Duration.ofSeconds(5);

    @Spec
    private CommandSpec spec;

    @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379",
            scope = ScopeType.INHERIT,
            description = "gRPC endpoints (host:port or http://host:port)")
    private List<Endpoint> endpoints;

    @Option(names = "--conns", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Total number of gRPC connections")
    private int connectionCount;

    @Option(names = "--clients", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Total number of gRPC clients")
    private int clientCount;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the report as JSON instead of etcd's text")
    private boolean json;

    @Option(names = "--label", scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
            description = "Add KEY=VALUE to the report's labels (for scripts)")
    private Map<String, String> labels = new LinkedHashMap<>();

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        // NB: the member's dependencies bring an SLF4J binding to JBoss LogManager that leaves
        // debug on, and Netty would then format every HTTP/2 frame it sends for its frame logger;
        // plain java.util.logging (INFO) keeps that cost out of the generator.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        System.exit(commandLine().execute(args));
    }

    /** The command line with its converters and error handling, ready to execute. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Benchmark());
        commandLine.registerConverter(Endpoint.class, Benchmark::parseEndpoint);
        commandLine.registerConverter(Duration.class, GoDuration::parse);
        commandLine.registerConverter(Consistency.class, Consistency::parse);
        commandLine.setExecutionExceptionHandler((error, failed, parsed) -> {
            boolean expected = error instanceof StatusRuntimeException
                    || error instanceof IllegalArgumentException;
            failed.getErr().println("benchmark " + failed.getCommandName() + ": "
                    + (expected ? error.getMessage() : error));
            return CommandLine.ExitCode.SOFTWARE;
        });
        return commandLine;
    }

    /** Without a subcommand: print the usage and fail, as etcd's benchmark does. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** The number of concurrent clients ({@code --clients}). */
    int clientCount() {
        return clientCount;
    }

    /** Opens the {@code --conns} channels over the endpoints and connects them. */
    ChannelPool openChannels() throws InterruptedException {
        if (connectionCount < 1 || clientCount < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--conns and --clients must be at least 1");
        }
        ChannelPool channels = new ChannelPool(endpoints, connectionCount);
        if (!channels.connect(CONNECT_WAIT_MAX)) {
            spec.commandLine().getErr().println("warning: not every connection to " + endpoints
                    + " is ready after " + CONNECT_WAIT_MAX.toSeconds() + " s; going on");
        }
        channels.warmUp(CONNECT_WAIT_MAX);
        return channels;
    }

    /** Where progress bars go: stderr, so that stdout carries only the report. */
    PrintWriter progressOut() {
        return spec.commandLine().getErr();
    }

    /** Prints the report of {@code command} in the chosen form and returns the exit code. */
    int printReport(CommandSpec command, String primary, List<Summary> summaries,
            List<String> warnings) {
        Report report = new Report(command.name(), Map.copyOf(labels), optionsOf(command),
                primary, List.copyOf(summaries), List.copyOf(warnings));
        PrintWriter out = command.commandLine().getOut();
        out.println(json ? report.toJson() : report.toText());
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    /** Prints a line of text before a run (etcd's banners), unless the output is JSON. */
    void printBanner(CommandSpec command, String banner) {
        if (!json) {
            command.commandLine().getOut().println(banner);
        }
    }

    /** Every option and positional argument of {@code command}, by name, as JSON can hold it. */
    private static Map<String, Object> optionsOf(CommandSpec command) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (OptionSpec option : command.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            options.put(option.longestName().replaceFirst("^-+", ""), jsonValue(option.getValue()));
        }
        for (PositionalParamSpec parameter : command.positionalParameters()) {
            options.put(parameter.paramLabel(), jsonValue(parameter.getValue()));
        }
        return options;
    }

    private static Object jsonValue(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, String> strings = new LinkedHashMap<>();
            map.forEach((key, entry) -> strings.put(String.valueOf(key), String.valueOf(entry)));
            return strings;
        }
        return String.valueOf(value);
    }

    private static Endpoint parseEndpoint(String text) {
        try {
            return Endpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
