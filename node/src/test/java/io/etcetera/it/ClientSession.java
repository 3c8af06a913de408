package io.etcetera.it;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One member process in a fresh directory under {@code target/}, with a jetcd client and a raw
 * gRPC channel to it: what an IT class that talks to one member shares between its tests. Closing
 * it closes the channel and the client, then stops the member.
 *
 * @param work the directory the member's data dir is in, for the test's own files
 */
record ClientSession(Path work, MemberProcess member, Client client, ManagedChannel channel)
        implements AutoCloseable {

    static ClientSession start(String directoryPrefix, List<String> flags) throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), directoryPrefix);
        MemberProcess member = MemberProcess.start(work.resolve("member"), flags);
        return new ClientSession(work, member, Client.builder().endpoints(member.url()).build(),
                NettyChannelBuilder.forTarget(member.endpoint()).usePlaintext().build());
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        client.close();
        member.close();
    }
}
