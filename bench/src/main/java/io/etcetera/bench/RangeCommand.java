package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.Operation;
import io.etcetera.bench.report.LatencyRecorder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code range key [end-range]}: {@code --total} identical range requests, linearizable or
 * serializable, as etcd's {@code benchmark range}. Reports "range". Runs on the main thread.
 */
@Command(name = "range", description = "Benchmark range")
final class RangeCommand extends LoadCommand {
    @Mixin
    private LoadOptions load;

    @Parameters(index = "0", arity = "0..1", paramLabel = "key", description = "Key to range")
    private String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "end-range",
            description = "End of the range (exclusive)")
    private String rangeEnd;

    @Option(names = "--consistency", defaultValue = "l",
            description = "Linearizable(l) or Serializable(s)")
    private Consistency consistency;

    @Option(names = "--limit", defaultValue = "0",
            description = "Maximum number of results to return from range request (0 is no limit)")
    private long limit;

    @Option(names = "--count-only", description = "Only returns the count of keys")
    private boolean countOnly;

    @Option(names = "--keys-only", description = "Only returns the keys")
    private boolean keysOnly;

    @Option(names = "--prefix",
            description = "Range over all keys with the given key as prefix")
    private boolean prefix;

    @Override
    public Integer call() throws InterruptedException {
        RangeRequest request = request();
        benchmark.printBanner(spec, consistency.banner());
        LatencyRecorder ranges = new LatencyRecorder("range");
        try (ChannelPool channels = benchmark.openChannels()) {
            List<KVGrpc.KVStub> stubs =
                    channels.stubsPerClient(KVGrpc::newStub, benchmark.clientCount());
            Operation range = (client, sequence, done) ->
                    stubs.get(client).range(request, done.unaryObserver(ranges));
            ClosedLoop loop = load.run("range", benchmark, range, ranges);
            return benchmark.printReport(spec, ranges.name(), List.of(ranges.summarize()),
                    loop.warnings());
        }
    }

    /** The one request every client sends, from the arguments and flags. */
    private RangeRequest request() {
        if (key == null && !prefix) {
            throw new ParameterException(spec.commandLine(), "range needs a key (or --prefix)");
        }
        if (countOnly && keysOnly) {
            throw new ParameterException(spec.commandLine(),
                    "`--keys-only` and `--count-only` cannot be set at the same time");
        }
        ByteString start = ByteString.copyFrom(key == null ? "" : key, StandardCharsets.UTF_8);
        RangeRequest.Builder request = RangeRequest.newBuilder()
                .setLimit(limit)
                .setCountOnly(countOnly)
                .setKeysOnly(keysOnly)
                .setSerializable(consistency == Consistency.SERIALIZABLE);
        if (prefix) {
            return request.setKey(start.isEmpty() ? ByteString.copyFrom(new byte[] {0}) : start)
                    .setRangeEnd(prefixEnd(start)).build();
        }
        request.setKey(start);
        if (rangeEnd != null) {
            request.setRangeEnd(ByteString.copyFrom(rangeEnd, StandardCharsets.UTF_8));
        }
        return request.build();
    }

    /**
     * The end of the range of keys starting with {@code prefix}, as etcd's clientv3 computes it:
     * the prefix with its last byte below 0xff incremented and the rest dropped; "\0" (every
     * key) when there is no such byte.
     */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xff) < 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }
}
