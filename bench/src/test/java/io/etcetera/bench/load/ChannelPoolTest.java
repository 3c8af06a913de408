package io.etcetera.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Channels against three real gRPC servers on loopback, each counting the ranges it serves. */
class ChannelPoolTest {
    private final List<Server> servers = new ArrayList<>();
    private final List<AtomicInteger> rangeCounts = new ArrayList<>();

    private List<Endpoint> startMembers(int count) throws IOException {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AtomicInteger ranges = new AtomicInteger();
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new KVGrpc.KVImplBase() {
                        @Override
                        public void range(RangeRequest request,
                                StreamObserver<RangeResponse> response) {
                            ranges.incrementAndGet();
                            response.onNext(RangeResponse.getDefaultInstance());
                            response.onCompleted();
                        }
                    })
                    .build()
                    .start();
            servers.add(server);
            rangeCounts.add(ranges);
            endpoints.add(new Endpoint("127.0.0.1", server.getPort()));
        }
        return endpoints;
    }

    @AfterEach
    void stopMembers() {
        servers.forEach(Server::shutdownNow);
    }

    @Test
    void eachChannelSendsItsRequestsToEveryEndpointInTurn() throws Exception {
        List<Endpoint> endpoints = startMembers(3);

        try (ChannelPool channels = new ChannelPool(endpoints, 1)) {
            assertThat(channels.connect(Duration.ofSeconds(10))).isTrue();
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channels.forClient(0));
            // Round robin picks only among connected members: send until all three answered.
            for (int i = 0; i < 1000 && rangeCounts.stream().anyMatch(c -> c.get() == 0); i++) {
                kv.range(RangeRequest.getDefaultInstance());
            }
            rangeCounts.forEach(count -> count.set(0));

            for (int i = 0; i < 30; i++) {
                kv.range(RangeRequest.getDefaultInstance());
            }
        }

        assertThat(rangeCounts).extracting(AtomicInteger::get).containsExactly(10, 10, 10);
    }

    @Test
    void clientsShareTheChannelsInTurn() throws Exception {
        List<Endpoint> endpoints = startMembers(1);

        try (ChannelPool channels = new ChannelPool(endpoints, 2)) {
            assertThat(channels.forClient(0)).isSameAs(channels.forClient(2));
            assertThat(channels.forClient(1)).isSameAs(channels.forClient(3));
            assertThat(channels.forClient(0)).isNotSameAs(channels.forClient(1));
            assertThat(channels.stubsPerClient(KVGrpc::newStub, 5)).hasSize(5);
        }
    }
}
