package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.Operation;
import io.etcetera.bench.load.KeySpace;
import io.etcetera.bench.report.LatencyRecorder;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code txn-put}: {@code --total} transactions of {@code --txn-ops} unconditional puts each, keys
 * in order over the key space ({@code (n × txn-ops + j) % key-space-size}), as etcd's
 * {@code benchmark txn-put}. Reports "txn-put". Runs on the main thread.
 */
@Command(name = "txn-put", description = "Benchmark txn-put")
final class TxnPutCommand extends LoadCommand {
    @Mixin
    private LoadOptions load;

    @Mixin
    private KeyOptions keys;

    @Option(names = "--txn-ops", defaultValue = "1", description = "Number of puts per txn")
    private int opsPerTxn;

    @Override
    public Integer call() throws InterruptedException {
        KeySpace keySpace = keys.keySpace("", true);
        if (opsPerTxn < 1 || opsPerTxn > keySpace.keyCount()) {
            throw new ParameterException(spec.commandLine(), "expected --txn-ops in 1.."
                    + keySpace.keyCount() + " (--key-space-size), got " + opsPerTxn);
        }
        ByteString value = keys.randomValue();
        LatencyRecorder txns = new LatencyRecorder("txn-put");
        try (ChannelPool channels = benchmark.openChannels()) {
            List<KVGrpc.KVStub> stubs =
                    channels.stubsPerClient(KVGrpc::newStub, benchmark.clientCount());
            Operation txn = (client, sequence, done) -> stubs.get(client).txn(
                    txn(keySpace, value, sequence), done.unaryObserver(txns));
            ClosedLoop loop = load.run("txn-put", benchmark, txn, txns);
            return benchmark.printReport(spec, txns.name(), List.of(txns.summarize()),
                    loop.warnings());
        }
    }

    private TxnRequest txn(KeySpace keySpace, ByteString value, long sequence) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (int j = 0; j < opsPerTxn; j++) {
            PutRequest put = PutRequest.newBuilder()
                    .setKey(keySpace.key(sequence * opsPerTxn + j))
                    .setValue(value)
                    .build();
            txn.addSuccess(RequestOp.newBuilder().setRequestPut(put));
        }
        return txn.build();
    }
}
