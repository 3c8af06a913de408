package io.etcetera.server;

import static io.etcetera.server.TestCluster.get;
import static io.etcetera.server.TestCluster.hashKv;
import static io.etcetera.server.TestCluster.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Three members in this JVM, linked by the real peer transport on loopback: one leader, writes
 * through any member (followers forward them), linearizable reads on followers through ReadIndex,
 * and the same store on every member.
 */
class ClusterTest {

    @TempDir
    Path dir;

    @Test
    void threeMembersAgreeOnWritesMadeThroughAnyMember() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, s -> s)) {
            Member leader = cluster.awaitLeader();
            List<Member> followers = cluster.followers();
            assertThat(followers).hasSize(2);
            long clusterId = leader.clusterId();
            assertThat(followers).allMatch(f -> f.clusterId() == clusterId
                    && f.leaderId() == leader.memberId());
            long last = 0;
            for (int i = 0; i < 30; i++) {
                Member through = cluster.members.get(i % 3);
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
                assertThat(member.cluster().memberList().getMembersList()).hasSize(3);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.members.stream().allMatch(
                    m -> m.cluster().memberList().getMembersList().stream()
                            .allMatch(x -> !x.getName().isEmpty())));
        }
    }
}
