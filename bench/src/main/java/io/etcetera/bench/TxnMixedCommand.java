package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.Operation;
import io.etcetera.bench.load.KeySpace;
import io.etcetera.bench.report.LatencyRecorder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code txn-mixed}: {@code --total} one-operation transactions, each a range read with
 * probability {@code rw-ratio / (1 + rw-ratio)} and otherwise a put, as etcd's
 * {@code benchmark txn-mixed}. A read covers the whole key space (from "\0" to
 * {@code --end-key}, or to the end) with {@code --limit}; a write puts key
 * {@code n % key-space-size}. Reports "txn-mixed-read" (the primary) and "txn-mixed-write".
 * Runs on the main thread.
 */
@Command(name = "txn-mixed", description = "Benchmark a mixed load of txn-put & txn-range.")
final class TxnMixedCommand extends LoadCommand {
    private static final ByteString EVERY_KEY = ByteString.copyFrom(new byte[] {0});

    @Mixin
    private LoadOptions load;

    @Mixin
    private KeyOptions keys;

    @Option(names = "--consistency", defaultValue = "l",
            description = "Linearizable(l) or Serializable(s)")
    private Consistency consistency;

    @Option(names = "--rw-ratio", defaultValue = "1", description = "Read/write ops ratio")
    private double readWriteRatio;

    @Option(names = "--limit", defaultValue = "1000",
            description = "Read operation range result limit")
    private long limit;

    @Option(names = "--end-key", defaultValue = "",
            description = "Read operation range end key (default: to the end of the key space)")
    private String endKey;

    @Override
    public Integer call() throws InterruptedException {
        if (readWriteRatio < 0) {
            throw new ParameterException(spec.commandLine(), "--rw-ratio must be >= 0");
        }
        KeySpace keySpace = keys.keySpace("", true);
        ByteString value = keys.randomValue();
        TxnRequest read = readTxn();
        double readProbability = readWriteRatio / (1 + readWriteRatio);
        benchmark.printBanner(spec, consistency.banner());
        LatencyRecorder reads = new LatencyRecorder("txn-mixed-read");
        LatencyRecorder writes = new LatencyRecorder("txn-mixed-write");
        try (ChannelPool channels = benchmark.openChannels()) {
            List<KVGrpc.KVStub> stubs =
                    channels.stubsPerClient(KVGrpc::newStub, benchmark.clientCount());
            Operation txn = (client, sequence, done) -> {
                if (ThreadLocalRandom.current().nextDouble() < readProbability) {
                    stubs.get(client).txn(read, done.unaryObserver(reads));
                } else {
                    stubs.get(client).txn(writeTxn(keySpace, value, sequence),
                            done.unaryObserver(writes));
                }
            };
            ClosedLoop loop = load.run("txn-mixed", benchmark, txn, reads, writes);
            return benchmark.printReport(spec, reads.name(),
                    List.of(reads.summarize(), writes.summarize()), loop.warnings());
        }
    }

    private TxnRequest readTxn() {
        RangeRequest range = RangeRequest.newBuilder()
                .setKey(EVERY_KEY)
                .setRangeEnd(endKey.isEmpty()
                        ? EVERY_KEY : ByteString.copyFrom(endKey, StandardCharsets.UTF_8))
                .setLimit(limit)
                .setSerializable(consistency == Consistency.SERIALIZABLE)
                .build();
        return TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestRange(range))
                .build();
    }

    private static TxnRequest writeTxn(KeySpace keySpace, ByteString value, long sequence) {
        PutRequest put = PutRequest.newBuilder()
                .setKey(keySpace.key(sequence))
                .setValue(value)
                .build();
        return TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(put))
                .build();
    }
}
