package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcetera.api.Etcdctl;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Leases on three member processes, used through a follower as etcd's followers serve them: a
 * jetcd KeepAlive connected only to a follower keeps a lease alive past its TTL (the follower
 * forwards each renewal to the leader over the peer port), TimeToLive with keys answers there as
 * on the leader, and an unknown lease renews to TTL 0, has TTL -1 and is not found to revoke.
 * Then remaining-TTL checkpoints (etcd issue 9395): after the leader is killed with SIGKILL, a
 * long lease continues on the new leader from its last checkpoint instead of starting over from
 * its full TTL. The parts run in order on one cluster (the second kills its leader).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaseClusterIT {

    /** A checkpoint of every long lease every 2 s, instead of etcd's 5 minutes. */
    private static final List<String> FLAGS =
            List.of("--experimental-lease-checkpoint-interval", "2s");
    private static final Duration CHANGE_WAIT = Duration.ofSeconds(60);
    private static final Duration CALL_WAIT = Duration.ofSeconds(10);
    /** Short enough to expire soon: the minimum TTL here is 1 s (500 ms election timeout). */
    private static final long SHORT_TTL_SECONDS = 2;
    /** Renewals to receive before checking: jetcd renews every third of the TTL, so ~4 s. */
    private static final int RENEWALS = 6;
    private static final long LONG_TTL_SECONDS = 60;
    /** How long the long lease runs on the first leader: several checkpoint intervals. */
    private static final long ELAPSED_SECONDS = 7;

    private ProcessCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "lease-cluster-");
        cluster = ProcessCluster.start(dir, 3, FLAGS);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aFollowerForwardsKeepAliveAndTimeToLiveToTheLeader() throws Exception {
        int leaderIndex = cluster.leaderIndex(CHANGE_WAIT);
        MemberProcess leader = cluster.member(leaderIndex);
        MemberProcess follower = cluster.member((leaderIndex + 1) % 3);
        try (Client client = Client.builder().endpoints(follower.url()).build();
                Client leaderClient = Client.builder().endpoints(leader.url()).build()) {
            Lease lease = client.getLeaseClient();
            long id = lease.grant(SHORT_TTL_SECONDS).get(10, TimeUnit.SECONDS).getID();
            client.getKVClient().put(bytes("leased/a"), bytes("v"),
                    PutOption.builder().withLeaseId(id).build()).get(10, TimeUnit.SECONDS);
            LinkedBlockingQueue<LeaseKeepAliveResponse> renewals = new LinkedBlockingQueue<>();
            try (var keepAlive = lease.keepAlive(id, WatchLeaseJetcdIT.observer(renewals))) {
                for (int i = 0; i < RENEWALS; i++) {
                    assertThat(renewals.poll(10, TimeUnit.SECONDS)).as("renewal %d", i)
                            .isNotNull().satisfies(renewal -> assertThat(renewal.getTTL())
                                    .isEqualTo(SHORT_TTL_SECONDS));
                }
                assertThat(client.getKVClient().get(bytes("leased/a")).get(10, TimeUnit.SECONDS)
                        .getKvs()).as("alive well past its TTL").hasSize(1);
                var onFollower = lease.timeToLive(id, LeaseOption.builder().withAttachedKeys()
                        .build()).get(10, TimeUnit.SECONDS);
                var onLeader = leaderClient.getLeaseClient().timeToLive(id, LeaseOption
                        .builder().withAttachedKeys().build()).get(10, TimeUnit.SECONDS);
                assertThat(onFollower.getGrantedTTL()).isEqualTo(onLeader.getGrantedTTL())
                        .isEqualTo(SHORT_TTL_SECONDS);
                assertThat(onFollower.getKeys()).isEqualTo(onLeader.getKeys())
                        .containsExactly(bytes("leased/a"));
                assertThat(onFollower.getTTL()).isBetween(0L, SHORT_TTL_SECONDS);
                assertThat(Etcdctl.run(follower.url(), "lease", "list").stdout())
                        .contains(Long.toHexString(id));
            }
            await().atMost(CHANGE_WAIT).until(() -> client.getKVClient().get(bytes("leased/a"))
                    .get(10, TimeUnit.SECONDS).getKvs().isEmpty());
            assertThat(lease.timeToLive(id, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS)
                    .getTTL()).as("expired once nobody renews it").isEqualTo(-1);
            assertThatThrownBy(() -> lease.revoke(id).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("etcdserver: requested lease not found");
        }
        unknownLeasesAnswerAsOnTheLeader(follower);
    }

    /** Through the follower, with etcd's raw calls: TTL 0 for a renewal, TTL -1 for TTL. */
    private void unknownLeasesAnswerAsOnTheLeader(MemberProcess follower) throws Exception {
        long followerId = ProcessCluster.status(follower).getHeader().getMemberId();
        ManagedChannel channel = NettyChannelBuilder.forTarget(follower.endpoint())
                .usePlaintext().build();
        try {
            LeaseTimeToLiveResponse unknown = LeaseGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(CALL_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(0x7777).build());
            assertThat(unknown.getTTL()).isEqualTo(-1);
            LinkedBlockingQueue<io.etcd.jetcd.api.LeaseKeepAliveResponse> answers =
                    new LinkedBlockingQueue<>();
            StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(channel)
                    .leaseKeepAlive(WatchLeaseJetcdIT.observer(answers));
            requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(0x6161).build());
            io.etcd.jetcd.api.LeaseKeepAliveResponse renewed = answers.poll(10, TimeUnit.SECONDS);
            requests.onCompleted();
            assertThat(renewed).isNotNull();
            assertThat(renewed.getID()).isEqualTo(0x6161);
            assertThat(renewed.getTTL()).isZero();
            assertThat(renewed.getHeader().getMemberId()).as("the follower's own header")
                    .isEqualTo(followerId);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void afterALeaderChangeALeaseContinuesFromItsLastCheckpoint() throws Exception {
        int leaderIndex = cluster.leaderIndex(CHANGE_WAIT);
        long id;
        try (Client client = Client.builder().endpoints(cluster.member(leaderIndex).url())
                .build()) {
            Lease lease = client.getLeaseClient();
            id = lease.grant(LONG_TTL_SECONDS).get(10, TimeUnit.SECONDS).getID();
            // Time passes on the leader's clock: checkpoints at 2, 4 and 6 s.
            await().atMost(CHANGE_WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                    lease.timeToLive(id, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS)
                            .getTTL() <= LONG_TTL_SECONDS - ELAPSED_SECONDS);
        }
        cluster.member(leaderIndex).kill();
        int newLeader = cluster.leaderIndex(CHANGE_WAIT);
        assertThat(newLeader).isNotEqualTo(leaderIndex);
        // Asked through the surviving follower, which forwards it to the new leader.
        MemberProcess survivor = cluster.member(3 - leaderIndex - newLeader);
        try (Client client = Client.builder().endpoints(survivor.url()).build()) {
            long remaining = client.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT)
                    .get(10, TimeUnit.SECONDS).getTTL();
            // The last checkpoint was at least 4 s in, so it holds at most 56 s; the new leader
            // adds 0.5 s. Started over from its full TTL, it would have 60 s.
            assertThat(remaining).as("remaining TTL on the new leader")
                    .isBetween(LONG_TTL_SECONDS - 30, LONG_TTL_SECONDS - 4);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
