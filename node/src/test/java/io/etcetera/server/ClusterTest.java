package io.etcetera.server;

import static io.etcetera.server.TestCluster.get;
import static io.etcetera.server.TestCluster.hashKv;
import static io.etcetera.server.TestCluster.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcetera.config.EtcdConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * Three and five members in this JVM, linked by the real peer transport on loopback: one leader,
 * writes through any member (followers forward them), linearizable reads on followers through
 * ReadIndex, and the same store on every member; a member bootstrapped under another token (another
 * cluster ID) is refused by the cluster's members.
 */
class ClusterTest {

    @TempDir
    Path dir;

    @Test
    void aMemberOfAnotherClusterIsRefused() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, s -> s)) {
            int slot = cluster.reserve("intruder");
            // The same peers under another token: another cluster ID, so its calls are refused.
            String otherCluster = "intruder=" + cluster.peerUrl(slot) + ",m1=" + cluster.peerUrl(1)
                    + ",m2=" + cluster.peerUrl(2);
            EtcdConfig config = EtcdConfig.of("--name", "intruder",
                    "--data-dir", dir.resolve("intruder").toString(),
                    "--listen-peer-urls", cluster.peerUrl(slot),
                    "--initial-advertise-peer-urls", cluster.peerUrl(slot),
                    "--initial-cluster", otherCluster, "--initial-cluster-token", "other-token",
                    "--heartbeat-interval", "20", "--election-timeout", "200");
            Member intruder = Member.start(config, ServerSettings.of(config).withLogSizes(
                    100_000, 5000, TestCluster.WAL_SEGMENT_BYTES), InstantSource.system());
            cluster.members.set(slot, intruder);
            assertThat(intruder.clusterId()).isNotEqualTo(cluster.members.get(1).clusterId());
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    cluster.members.get(1).refusedPeerCalls() > 0
                            && cluster.members.get(2).refusedPeerCalls() > 0);
            assertThat(intruder.leaderId()).isZero();
            assertThat(put(cluster.awaitLeader(), "still", "serving")).isPositive();
            assertThat(cluster.members.get(1).cluster().memberList().getMembersList())
                    .hasSize(3);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void membersAgreeOnWritesMadeThroughAnyMember(int size) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, size, s -> s)) {
            Member leader = cluster.awaitLeader();
            List<Member> followers = cluster.followers();
            assertThat(followers).hasSize(size - 1);
            long clusterId = leader.clusterId();
            assertThat(followers).allMatch(f -> f.clusterId() == clusterId);
            await().atMost(TestCluster.ELECTION_WAIT).until(() -> followers.stream()
                    .allMatch(f -> f.leaderId() == leader.memberId()));
            long last = 0;
            for (int i = 0; i < 30; i++) {
                Member through = cluster.members.get(i % size);
                last = put(through, "key-" + i, "value-" + i);
            }
            for (Member member : cluster.members) {
                // A linearizable read on a follower sees every acknowledged write at once.
                assertThat(get(member, "key-29", false).getKvs(0).getValue().toStringUtf8())
                        .isEqualTo("value-29");
                assertThat(get(member, "key-29", false).getHeader().getRevision())
                        .isEqualTo(last);
            }
            long hash = hashKv(leader, last);
            for (Member member : cluster.members) {
                assertThat(hashKv(member, last)).isEqualTo(hash);
                assertThat(member.cluster().memberList().getMembersList()).hasSize(size);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.members.stream().allMatch(
                    m -> m.cluster().memberList().getMembersList().stream()
                            .allMatch(x -> !x.getName().isEmpty())));
        }
    }
}
