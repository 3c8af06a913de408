package io.etcetera.operator.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EtcdMembers} against real etcd 3.4 processes: grow a one-member cluster by a learner,
 * promote it, move leadership to it, snapshot it (checked by {@code etcdctl snapshot restore}),
 * remove it. The methods run in order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdMembersIT {

    @TempDir
    static Path root;
    static LocalEtcd first;
    static LocalEtcd second;
    static EtcdMembers members;
    static long secondId;

    @BeforeAll
    static void startOneMember() {
        first = new LocalEtcd("m0", root);
        first.start(first.initialClusterEntry(), "new");
        members = new EtcdMembers(Duration.ofSeconds(2), Duration.ofSeconds(60));
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions()
                .until(() -> members.status(first.client).isLeader());
    }

    @AfterAll
    static void stop() {
        members.close();
        if (second != null) {
            second.close();
        }
        first.close();
    }

    @Test
    @Order(1)
    void listsTheOnlyMemberAsAStartedVoter() {
        MemberList list = members.list(first.client);
        assertThat(list.members()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("m0");
            assertThat(m.learner()).isFalse();
            assertThat(m.peerUrls()).containsExactly(first.peerUrl);
        });
        assertThat(list.clusterId()).isNotZero();
    }

    @Test
    @Order(2)
    void addsALearnerThatJoinsAndIsPromotedOnceCaughtUp() {
        second = new LocalEtcd("m1", root);
        secondId = members.addLearner(first.client, second.peerUrl);
        assertThat(members.list(first.client).members())
                .anyMatch(m -> m.id() == secondId && m.learner() && m.name().isEmpty());

        second.start(first.initialClusterEntry() + "," + second.initialClusterEntry(), "existing");
        await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(
                () -> members.promote(first.client, secondId));
        assertThat(members.list(first.client).members())
                .anyMatch(m -> m.id() == secondId && !m.learner() && m.name().equals("m1"));
    }

    @Test
    @Order(3)
    void movesLeadershipToTheNamedMember() {
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions()
                .until(() -> members.status(second.client).leaderId() != 0);
        members.moveLeader(first.client, secondId);
        await().atMost(10, TimeUnit.SECONDS).ignoreExceptions()
                .until(() -> members.status(second.client).isLeader());
        assertThatThrownBy(() -> members.moveLeader(first.client, secondId))
                .as("a follower refuses MoveLeader").isInstanceOf(MemberCallException.class);
    }

    @Test
    @Order(4)
    void snapshotEndsWithTheDigestEtcdctlRestoreChecks() throws Exception {
        Path file = root.resolve("snap.db");
        SnapshotResult result;
        try (var out = Files.newOutputStream(file)) {
            result = members.snapshot(second.client, out);
        }
        assertThat(result.sizeBytes()).isEqualTo(Files.size(file)).isGreaterThan(32);
        assertThat(result.revision()).isPositive();
        assertThat(result.sha256()).isEqualTo(sha256Hex(Files.readAllBytes(file)));
        Process restore = new ProcessBuilder(List.of("etcdctl", "snapshot", "restore",
                file.toString(), "--data-dir", root.resolve("restored").toString()))
                .redirectErrorStream(true).start();
        String output = new String(restore.getInputStream().readAllBytes());
        assertThat(restore.waitFor()).as(output).isZero();
        assertThat(root.resolve("restored/member/snap/db")).exists();
    }

    @Test
    @Order(5)
    void removesAMember() {
        members.moveLeader(second.client, members.list(first.client).members().stream()
                .filter(m -> m.name().equals("m0")).findFirst().orElseThrow().id());
        await().atMost(10, TimeUnit.SECONDS).ignoreExceptions()
                .until(() -> members.status(first.client).isLeader());
        // etcd refuses a removal that could cost quorum until the leader has heard from a quorum
        // for a while ("unhealthy cluster"): the operator retries on its next pass, so do we.
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions()
                .untilAsserted(() -> members.remove(first.client, secondId));
        assertThat(members.list(first.client).members()).extracting(EtcdMember::id)
                .doesNotContain(secondId);
    }

    @Test
    @Order(6)
    void anUnreachableMemberIsACallFailureNamingTheEndpoint() {
        var nobody = java.net.URI.create("http://127.0.0.1:" + LocalEtcd.freePort());
        assertThatThrownBy(() -> members.status(MemberEndpoint.plaintext(nobody)))
                .isInstanceOf(MemberCallException.class)
                .hasMessageContaining("Status on " + nobody);
    }

    static String sha256Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
