package io.etcetera.server;

import static io.etcetera.server.TestCluster.get;
import static io.etcetera.server.TestCluster.hashKv;
import static io.etcetera.server.TestCluster.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.MemberRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Membership changes on members in this JVM over the real peer transport: a learner joins a running
 * cluster with {@code --initial-cluster-state existing}, catches up, is promoted through a follower
 * (which forwards to the leader), a voter is removed and stops itself; etcd's refusals come with
 * etcd's reasons; a member that was down while the leader compacted its log catches up through a
 * snapshot of the leader's store.
 */
class MembershipChangeTest {

    private static final Duration CHANGE_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void learnerJoinsIsPromotedThroughAFollowerAndARemovedVoterStops() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, s -> s)) {
            for (int i = 0; i < 20; i++) {
                put(cluster.awaitLeader(), "before-" + i, "v" + i);
            }
            int newcomer = cluster.reserve("m3");
            MemberRecord added = retryWhileUnhealthy(() -> cluster.awaitLeader().cluster()
                    .memberAdd(List.of(cluster.peerUrl(newcomer)), true)
                    .thenApply(response -> toRecord(response.getMember())));
            assertThat(added.getIsLearner()).isTrue();
            cluster.members.set(newcomer,
                    cluster.startMember(newcomer, "existing", cluster.initialCluster()));
            Member learner = cluster.members.get(newcomer);
            assertThat(learner.memberId()).isEqualTo(added.getId());
            await().atMost(CHANGE_WAIT).until(() -> get(learner, "before-19", true).getKvsCount()
                    == 1 && learner.cluster().isLearner(learner.memberId()));

            Member follower = cluster.followers().get(0);
            retry(() -> follower.cluster().memberPromote(added.getId()), Reason.LEARNER_NOT_READY);
            await().atMost(CHANGE_WAIT).until(() -> !learner.cluster().isLearner(added.getId()));

            Member leader = cluster.awaitLeader();
            Member victim = cluster.followers().get(0);
            retryWhileUnhealthy(() -> leader.cluster().memberRemove(victim.memberId()));
            await().atMost(CHANGE_WAIT).until(victim::wasRemoved);
            assertThat(victim.awaitTermination()).isZero();
            cluster.members.set(cluster.members.indexOf(victim), null);

            long revision = put(cluster.awaitLeader(), "after", "removal");
            for (Member member : cluster.members) {
                if (member != null) {
                    await().atMost(CHANGE_WAIT).until(() -> member.appliedIndex()
                            >= cluster.awaitLeader().appliedIndex());
                    assertThat(hashKv(member, revision)).isEqualTo(hashKv(leader, revision));
                    assertThat(member.cluster().memberList().getMembersCount()).isEqualTo(3);
                }
            }
        }
    }

    @Test
    void refusalsCarryEtcdsReasons() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, s -> s)) {
            Cluster api = cluster.awaitLeader().cluster();
            long voter = cluster.awaitLeader().memberId();
            assertThat(reason(api.memberAdd(List.of(cluster.peerUrl(1)), false)))
                    .isEqualTo(Reason.PEER_URL_EXIST);
            assertThat(reason(api.memberAdd(List.of("http://127.0.0.1:port"), false)))
                    .isEqualTo(Reason.MEMBER_BAD_URLS);
            assertThat(reason(api.memberRemove(0x1234))).isEqualTo(Reason.MEMBER_NOT_FOUND);
            assertThat(reason(api.memberUpdate(0x1234, List.of("http://127.0.0.1:1"))))
                    .isEqualTo(Reason.MEMBER_NOT_FOUND);
            assertThat(reason(api.memberPromote(voter))).isEqualTo(Reason.MEMBER_NOT_LEARNER);
            retryWhileUnhealthy(() -> api.memberAdd(List.of("http://127.0.0.1:1"), true));
            assertThat(reason(api.memberAdd(List.of("http://127.0.0.1:2"), true)))
                    .isEqualTo(Reason.TOO_MANY_LEARNERS);
            // Promoting a learner that never started: the leader sees it far behind.
            long learner = api.memberList().getMembersList().stream()
                    .filter(io.etcd.jetcd.api.Member::getIsLearner).findFirst().orElseThrow()
                    .getID();
            assertThat(reason(api.memberPromote(learner))).isEqualTo(Reason.LEARNER_NOT_READY);
            // A voter cannot be added while a voter is missing from the started quorum... here the
            // three voters all started, so adding a fourth voter is allowed once links are healthy.
            retryWhileUnhealthy(() -> api.memberUpdate(voter,
                    List.of(cluster.peerUrl(cluster.members.indexOf(cluster.awaitLeader())))));
        }
    }

    @Test
    void memberDownWhileTheLogIsCompactedCatchesUpFromASnapshot() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3,
                s -> s.withLogSizes(40, 5, TestCluster.WAL_SEGMENT_BYTES))) {
            Member down = cluster.followers().get(0);
            int slot = cluster.members.indexOf(down);
            down.stop();
            cluster.members.set(slot, null);
            long revision = 0;
            for (int i = 0; i < 200; i++) {
                revision = put(cluster.awaitLeader(), "while-down-" + i, "value-" + i);
            }
            cluster.restart(slot);
            Member back = cluster.members.get(slot);
            long target = revision;
            await().atMost(CHANGE_WAIT).until(() -> get(back, "while-down-199", true)
                    .getHeader().getRevision() >= target);
            await().atMost(CHANGE_WAIT).until(() -> back.installedSnapshotCount() == 1);
            assertThat(hashKv(back, revision))
                    .isEqualTo(hashKv(cluster.awaitLeader(), revision));
            assertThat(back.cluster().memberList().getMembersCount()).isEqualTo(3);
            assertThat(put(back, "after-snapshot", "x")).isGreaterThan(revision);
        }
    }

    private static MemberRecord toRecord(io.etcd.jetcd.api.Member member) {
        return MemberRecord.newBuilder().setId(member.getID()).setIsLearner(member.getIsLearner())
                .addAllPeerUrls(member.getPeerURLsList()).build();
    }

    private static Reason reason(CompletableFuture<?> result) {
        try {
            result.join();
        } catch (CompletionException e) {
            return ((RequestFailedException) e.getCause()).reason();
        }
        throw new AssertionError("the request succeeded");
    }

    /** Repeats {@code call} while links are too young for etcd's strict reconfiguration check. */
    static <T> T retryWhileUnhealthy(Supplier<CompletableFuture<T>> call) {
        return retry(call, Reason.UNHEALTHY);
    }

    /** Repeats {@code call} while it fails with {@code transient}, up to the change wait. */
    private static <T> T retry(Supplier<CompletableFuture<T>> call,
            Reason transientReason) {
        long deadline = System.nanoTime() + CHANGE_WAIT.toNanos();
        while (true) {
            try {
                return call.get().join();
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof RequestFailedException failed)
                        || failed.reason() != transientReason || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        }
    }
}
