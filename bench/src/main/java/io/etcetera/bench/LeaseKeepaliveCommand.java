package io.etcetera.bench;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.Operation;
import io.etcetera.bench.load.KeepAliveStream;
import io.etcetera.bench.report.LatencyRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code lease-keepalive}: each client grants itself a lease (TTL {@link #LEASE_TTL_SECONDS} s),
 * then the clients send {@code --total} keepalives for their leases, as etcd's
 * {@code benchmark lease-keepalive}, but over one long-lived stream per client (see
 * {@link KeepAliveStream}). Reports "lease-keepalive". Runs on the main thread.
 */
@Command(name = "lease-keepalive", description = "Benchmark lease keepalive")
final class LeaseKeepaliveCommand extends LoadCommand {
    /** etcd's benchmark grants 100 s leases: long enough that none expires during a run. */
    static final long LEASE_TTL_SECONDS = 100;
    private static final long GRANT_WAIT_SECONDS = 10;

    @Mixin
    private LoadOptions load;

    @Override
    public Integer call() throws InterruptedException {
        LatencyRecorder keepalives = new LatencyRecorder("lease-keepalive");
        try (ChannelPool channels = benchmark.openChannels()) {
            List<KeepAliveStream> streams = new ArrayList<>();
            for (int client = 0; client < benchmark.clientCount(); client++) {
                long leaseId = LeaseGrpc.newBlockingStub(channels.forClient(client))
                        .withDeadlineAfter(GRANT_WAIT_SECONDS, TimeUnit.SECONDS)
                        .leaseGrant(
                                LeaseGrantRequest.newBuilder().setTTL(LEASE_TTL_SECONDS).build())
                        .getID();
                streams.add(new KeepAliveStream(
                        LeaseGrpc.newStub(channels.forClient(client)), leaseId, keepalives));
            }
            Operation keepAlive = (client, sequence, done) -> streams.get(client).keepAlive(done);
            ClosedLoop loop = load.run("lease-keepalive", benchmark, keepAlive, keepalives);
            streams.forEach(KeepAliveStream::close);
            return benchmark.printReport(spec, keepalives.name(),
                    List.of(keepalives.summarize()), loop.warnings());
        }
    }
}
