package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.Operation;
import io.etcetera.bench.load.KeySpace;
import io.etcetera.bench.report.LatencyRecorder;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code put}: {@code --total} puts of {@code --val-size}-byte values to keys of the key space
 * (random, or in order with {@code --sequential-keys}), as etcd's {@code benchmark put}.
 * Reports "put". Runs on the main thread; requests as the load package says.
 */
@Command(name = "put", description = "Benchmark put")
final class PutCommand extends LoadCommand {
    @Mixin
    private LoadOptions load;

    @Mixin
    private KeyOptions keys;

    @Option(names = "--sequential-keys", description = "Use sequential keys")
    private boolean sequentialKeys;

    @Option(names = "--prefix", defaultValue = "", description = "Prefix for keys")
    private String prefix;

    @Override
    public Integer call() throws InterruptedException {
        KeySpace keySpace = keys.keySpace(prefix, sequentialKeys);
        ByteString value = keys.randomValue();
        LatencyRecorder puts = new LatencyRecorder("put");
        try (ChannelPool channels = benchmark.openChannels()) {
            List<KVGrpc.KVStub> stubs =
                    channels.stubsPerClient(KVGrpc::newStub, benchmark.clientCount());
            Operation put = (client, sequence, done) -> stubs.get(client).put(
                    PutRequest.newBuilder().setKey(keySpace.key(sequence)).setValue(value).build(),
                    done.unaryObserver(puts));
            ClosedLoop loop = load.run("put", benchmark, put, puts);
            return benchmark.printReport(spec, puts.name(), List.of(puts.summarize()),
                    loop.warnings());
        }
    }
}
