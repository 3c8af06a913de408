package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;

/**
 * Three member processes on loopback, bootstrapped from {@code --initial-cluster}, used as etcd is:
 * etcdctl lists, adds (as a learner), promotes and removes members and reports every endpoint's
 * status; then the leader is killed with SIGKILL under a write load: a new leader is elected
 * within a few election timeouts, every acknowledged write is on every member, and the killed
 * member, restarted after the leader compacted its log, catches up through a snapshot. HashKV is
 * equal on all members after each part. Then leases used through a follower, as etcd's followers
 * serve them: a jetcd KeepAlive connected only to a follower keeps a lease alive past its TTL (the
 * follower forwards each renewal to the leader over the peer port), TimeToLive with keys answers
 * there as on the leader, and an unknown lease renews to TTL 0, has TTL -1 and is not found to
 * revoke. Last, remaining-TTL checkpoints (etcd issue 9395): after the leader is killed with
 * SIGKILL, a long lease continues on the new leader from its last checkpoint instead of starting
 * over from its full TTL. The parts run in order on one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    /**
     * A snapshot every 200 entries, 100 entries kept below it for slow followers; a checkpoint of
     * every long lease every 2 s, instead of etcd's 5 minutes.
     */
    private static final List<String> FLAGS = List.of("--snapshot-count", "200",
            "--experimental-snapshot-catchup-entries", "100",
            "--experimental-lease-checkpoint-interval", "2s");
    private static final Duration CHANGE_WAIT = Duration.ofSeconds(60);
    /** Writes while the killed member is down: several snapshots past the catch-up entries. */
    private static final int WRITES_WHILE_DOWN = 600;
    private static final int WRITERS = 4;
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
        Path dir = Files.createTempDirectory(Path.of("target"), "cluster-");
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
    void etcdctlListsAddsPromotesAndRemovesMembers() throws Exception {
        for (MemberProcess member : cluster.members()) {
            Etcdctl.Result list = Etcdctl.run(member.url(), "member", "list");
            assertThat(list.exitStatus()).as(list.stderr()).isZero();
            assertThat(list.stdout().lines()).hasSize(3).allMatch(line -> line.contains(
                    ", started, m") && line.endsWith(", false"));
            for (MemberProcess other : cluster.members()) {
                assertThat(list.stdout()).contains(other.url());
            }
        }
        Etcdctl.Result status = Etcdctl.run(cluster.member(0).endpoint(), "endpoint", "status",
                "--cluster");
        assertThat(status.exitStatus()).as(status.stderr()).isZero();
        assertThat(status.stdout().lines()).hasSize(3);
        assertThat(status.stdout().lines().filter(line -> line.contains(", true, false, ")))
                .hasSize(1);

        int learnerSlot = cluster.reserve("m3");
        Etcdctl.Result added = retry(() -> Etcdctl.run(cluster.endpoints(), "member", "add", "m3",
                "--learner", "--peer-urls=" + cluster.peerUrl(learnerSlot)),
                "unhealthy cluster");
        assertThat(added.stdout()).contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\"")
                .contains("m3=" + cluster.peerUrl(learnerSlot));
        Matcher id = Etcdctl.ADDED_MEMBER_ID.matcher(added.stdout());
        assertThat(id.find()).as(added.stdout()).isTrue();
        String learnerId = id.group(1);
        MemberProcess learner = cluster.join(learnerSlot);
        Etcdctl.Result refused = Etcdctl.run(learner.url(), "get", "foo");
        assertThat(refused.stderr()).contains("etcdserver: rpc not supported for learner");
        assertThat(Etcdctl.run(learner.url(), "get", "foo", "--consistency=s").exitStatus())
                .isZero();

        int follower = (cluster.leaderIndex(CHANGE_WAIT) + 1) % 3;
        Etcdctl.Result promoted = retry(() -> Etcdctl.run(cluster.member(follower).url(),
                "member", "promote", learnerId), "in sync with leader");
        assertThat(promoted.stdout())
                .contains(Etcdctl.memberLine(learnerId, "promoted in cluster"));
        Etcdctl.Result removed = retry(() -> Etcdctl.run(cluster.endpoints(), "member", "remove",
                learnerId), "unhealthy cluster");
        assertThat(removed.stdout())
                .contains(Etcdctl.memberLine(learnerId, "removed from cluster"));
        assertThat(learner.awaitExit(CHANGE_WAIT)).isZero();
        assertThat(learner.logText()).contains("permanently removed from the cluster");
        cluster.forget(learnerSlot);
        assertThat(Etcdctl.run(cluster.endpoints(), "member", "list").stdout().lines())
                .hasSize(3);
        assertHashKvEqual();
    }

    @Test
    @Order(2)
    void killingTheLeaderUnderWritesLosesNoAcknowledgedWrite() throws Exception {
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        int killed;
        try (Client client = Client.builder().endpoints(cluster.endpoints().split(",")).build()) {
            List<Thread> writers = startWriters(client.getKVClient(), acknowledged, stop);
            await().atMost(CHANGE_WAIT).until(() -> acknowledged.size() >= 200);
            killed = cluster.leaderIndex(CHANGE_WAIT);
            cluster.member(killed).kill();
            long killedAt = System.nanoTime();
            int newLeader = cluster.leaderIndex(CHANGE_WAIT);
            long electionMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(newLeader).isNotEqualTo(killed);
            // Election timeout 500 ms: a new leader within a few of them.
            assertThat(electionMillis).isLessThan(5_000);
            int target = acknowledged.size() + WRITES_WHILE_DOWN;
            await().atMost(CHANGE_WAIT).until(() -> acknowledged.size() >= target);
            cluster.member(killed).restart();
            await().atMost(CHANGE_WAIT).until(() -> acknowledged.size() >= target + 200);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join();
            }
        }
        assertThat(cluster.member(killed).logText()).contains("installed the leader's snapshot");
        long last = acknowledged.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        for (MemberProcess member : cluster.members()) {
            if (member == null) {
                continue;
            }
            try (Client client = Client.builder().endpoints(member.url()).build()) {
                await().atMost(CHANGE_WAIT).until(() -> client.getKVClient().get(bytes("w/"),
                        GetOption.builder().withRange(bytes("w0")).withCountOnly(true)
                                .withSerializable(true).build())
                        .get(10, TimeUnit.SECONDS).getHeader().getRevision() >= last);
                var all = client.getKVClient().get(bytes("w/"), GetOption.builder()
                        .withRange(bytes("w0")).withSerializable(true).build())
                        .get(30, TimeUnit.SECONDS);
                Map<String, Long> found = new java.util.HashMap<>();
                all.getKvs().forEach(kv -> found.put(kv.getKey().toString(StandardCharsets.UTF_8),
                        kv.getModRevision()));
                assertThat(found).as("acknowledged writes on %s", member.url())
                        .containsAllEntriesOf(acknowledged);
            }
        }
        assertHashKvEqual();
    }

    /** Writers put fresh keys until told to stop; a failed put may or may not have happened. */
    private static List<Thread> startWriters(KV kv, Map<String, Long> acknowledged,
            AtomicBoolean stop) {
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String prefix = "w/" + w + "/";
            Thread writer = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String key = prefix + n;
                    try {
                        long revision = kv.put(bytes(key), bytes("v" + n))
                                .get(10, TimeUnit.SECONDS).getHeader().getRevision();
                        acknowledged.put(key, revision);
                    } catch (Exception failed) {
                        // Unknown outcome (the leader died): not acknowledged, not checked.
                    }
                }
            }, "writer-" + w);
            writer.start();
            writers.add(writer);
        }
        return writers;
    }

    @Test
    @Order(3)
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
    @Order(4)
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

    private void assertHashKvEqual() throws Exception {
        List<MemberProcess> live = cluster.members().stream().filter(m -> m != null).toList();
        long revision;
        try (Client client = Client.builder().endpoints(live.get(0).url()).build()) {
            revision = client.getKVClient().get(bytes("x")).get(10, TimeUnit.SECONDS)
                    .getHeader().getRevision();
        }
        List<Integer> hashes = new ArrayList<>();
        for (MemberProcess member : live) {
            try (Client client = Client.builder().endpoints(member.url()).build()) {
                await().atMost(CHANGE_WAIT).ignoreExceptions().until(() -> {
                    hashes.add(client.getMaintenanceClient().hashKV(member.url(), revision)
                            .get(10, TimeUnit.SECONDS).getHash());
                    return true;
                });
            }
        }
        assertThat(hashes).as("HashKV at revision %d", revision).hasSize(live.size())
                .containsOnly(hashes.get(0));
    }

    interface Call {
        Etcdctl.Result run() throws Exception;
    }

    /** Runs {@code call} until it succeeds, while it fails with {@code transientError}. */
    static Etcdctl.Result retry(Call call, String transientError) throws Exception {
        long deadline = System.nanoTime() + CHANGE_WAIT.toNanos();
        while (true) {
            Etcdctl.Result result = call.run();
            if (result.exitStatus() == 0) {
                return result;
            }
            assertThat(result.stderr()).as("etcdctl failed").contains(transientError);
            assertThat(System.nanoTime()).as(result.stderr()).isLessThan(deadline);
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        }
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
