package io.etcetera.bench.load;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@code --conns} gRPC channels that the {@code --clients} share, as etcd's benchmark shares
 * its clientv3 connections: client {@code i} uses channel {@code i % conns}, and each channel has
 * one HTTP/2 connection to every endpoint and sends its requests to them in turn (round robin),
 * as clientv3 does, so every run spreads its load over the members alike whichever is leader.
 *
 * <p>Channels run callbacks directly on Netty's event-loop threads (no executor hop), which is
 * what keeps the generator's cost per request low; callbacks must therefore never block.
 * Thread-safe after construction; {@link #close} once, when the run is over.
 */
public final class ChannelPool implements AutoCloseable {
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final List<ManagedChannel> channels;

    /** Opens {@code connectionCount} channels to all {@code endpoints}; connecting is lazy. */
    public ChannelPool(List<Endpoint> endpoints, int connectionCount) {
        if (endpoints.isEmpty() || connectionCount < 1) {
            throw new IllegalArgumentException("need at least one endpoint and one connection, got "
                    + endpoints + " and " + connectionCount);
        }
        EndpointResolver resolver = new EndpointResolver(endpoints);
        List<ManagedChannel> opened = new ArrayList<>(connectionCount);
        for (int i = 0; i < connectionCount; i++) {
            opened.add(NettyChannelBuilder.forTarget(EndpointResolver.SCHEME + ":///members")
                    .nameResolverFactory(resolver)
                    .defaultLoadBalancingPolicy("round_robin")
                    .usePlaintext()
                    .directExecutor()
                    // NB: gRPC's transparent retries buffer every call; a benchmark counts a
                    // failure as a failure instead, so it pays for none of that.
                    .disableRetry()
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .build());
        }
        this.channels = List.copyOf(opened);
    }

    /** The channel client {@code clientIndex} uses. */
    public ManagedChannel forClient(int clientIndex) {
        return channels.get(clientIndex % channels.size());
    }

    /** One stub per client, each on that client's channel. */
    public <S> List<S> stubsPerClient(Function<ManagedChannel, S> newStub, int clientCount) {
        List<S> stubs = new ArrayList<>(clientCount);
        for (int i = 0; i < clientCount; i++) {
            stubs.add(newStub.apply(forClient(i)));
        }
        return List.copyOf(stubs);
    }

    /**
     * Connects every channel now, so that connection set-up is not counted in the first requests'
     * latency; waits at most {@code waitMax} and returns whether all are ready. A channel that
     * cannot connect is left as it is: its requests then fail and are counted as errors.
     */
    public boolean connect(Duration waitMax) throws InterruptedException {
        CountDownLatch settled = new CountDownLatch(channels.size());
        for (ManagedChannel channel : channels) {
            awaitSettled(channel, channel.getState(true), settled);
        }
        settled.await(waitMax.toNanos(), TimeUnit.NANOSECONDS);
        return channels.stream().allMatch(c -> c.getState(false) == ConnectivityState.READY);
    }

    /**
     * Sends one Maintenance.Status on every channel, answered or not, so that the first measured
     * requests do not pay for loading and compiling the client's gRPC, HTTP/2 and protobuf code
     * (a JVM cost etcd's Go tool does not have). Waits at most {@code waitMax} per channel.
     */
    public void warmUp(Duration waitMax) {
        for (ManagedChannel channel : channels) {
            try {
                MaintenanceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(waitMax.toNanos(), TimeUnit.NANOSECONDS)
                        .status(StatusRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                // NB: an error warms the same code; the run reports the endpoint's real errors.
            }
        }
    }

    /** Counts the channel down once it is ready or has failed to connect. */
    private static void awaitSettled(
            ManagedChannel channel, ConnectivityState state, CountDownLatch settled) {
        if (state == ConnectivityState.READY || state == ConnectivityState.TRANSIENT_FAILURE
                || state == ConnectivityState.SHUTDOWN) {
            settled.countDown();
            return;
        }
        channel.notifyWhenStateChanged(state,
                () -> awaitSettled(channel, channel.getState(false), settled));
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(SHUTDOWN_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
