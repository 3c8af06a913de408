package io.etcetera.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;

import io.etcetera.lease.pb.LeaseCheckpoint;
import io.etcetera.lease.pb.LeaseCheckpointRequest;
import io.etcetera.lease.pb.LeaseRecord;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The lessor's behaviour, one rule per test, on a fake clock: etcd's lessor semantics (grant,
 * revoke, renew, expiry on the leader only, promote and demote, checkpoints, recovery).
 *
 * <p>Timing used throughout: heartbeat 100 ms and 10 ticks, so the election timeout (what a new
 * leader adds) is 1 s and the minimum TTL ⌈1.5 s⌉ = 2 s; checkpoints every 10 s.
 */
class LessorTest {

    private static final long SECOND_NANOS = 1_000_000_000L;

    private final FakeClock clock = new FakeClock();
    private final MemoryRecords records = new MemoryRecords();

    private static LessorConfig config() {
        return config(LessorConfig.REVOKE_RATE_PER_SECOND_DEFAULT, 500);
    }

    private static LessorConfig config(int revokeRatePerSecond, int revokeBatchMax) {
        return new LessorConfig(
                100,
                10,
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                revokeRatePerSecond,
                revokeBatchMax,
                LessorConfig.CHECKPOINT_RATE_PER_SECOND_DEFAULT,
                LessorConfig.CHECKPOINT_BATCH_MAX_DEFAULT);
    }

    private Lessor lessor() {
        return new Lessor(config(), clock);
    }

    private Lessor leader() {
        Lessor lessor = lessor();
        lessor.promote();
        return lessor;
    }

    private long grant(Lessor lessor, long id, long ttlSeconds) {
        return lessor.grant(id, ttlSeconds, records::put);
    }

    private void revoke(Lessor lessor, long id) {
        lessor.revoke(id, records::delete);
    }

    private static LeaseCheckpointRequest checkpoints(long id, long remainingTtlSeconds) {
        return LeaseCheckpointRequest.newBuilder()
                .addCheckpoints(
                        LeaseCheckpoint.newBuilder()
                                .setId(id)
                                .setRemainingTtlSeconds(remainingTtlSeconds))
                .build();
    }

    @Test
    void minimumTtlIsOneAndAHalfElectionTimeoutsInWholeTicksRoundedUpToSeconds() {
        assertThat(LessorConfig.defaults(100, 10).minTtlSeconds()).isEqualTo(2);
        assertThat(LessorConfig.defaults(250, 10).minTtlSeconds()).isEqualTo(4);
        // 5 ticks: 1.5 × 5 = 7 whole ticks of 700 ms = 4.9 s, as etcd counts, not 5.25 s.
        assertThat(LessorConfig.defaults(700, 5).minTtlSeconds()).isEqualTo(5);
        assertThat(LessorConfig.defaults(100, 10).electionTimeout())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void grantRaisesTtlToTheMinimumAndPersistsTheLease() {
        Lessor lessor = lessor();

        assertThat(grant(lessor, 1, 1)).isEqualTo(2);
        assertThat(grant(lessor, 2, -5)).isEqualTo(2);
        assertThat(grant(lessor, 3, 60)).isEqualTo(60);

        assertThat(lessor.leases()).containsExactly(1, 2, 3);
        assertThat(records.lease(1).getTtlSeconds()).isEqualTo(2);
        assertThat(records.lease(3))
                .isEqualTo(LeaseRecord.newBuilder().setId(3).setTtlSeconds(60).build());
    }

    @Test
    void theLeaderListsLeasesSoonestExpiryFirstAndOtherMembersByIdAsEtcdOrdersThem() {
        Lessor lessor = leader();
        grant(lessor, 1, 100);
        grant(lessor, 2, 50);
        grant(lessor, 3, 75);
        assertThat(lessor.leases()).containsExactly(2, 3, 1);

        clock.advance(Duration.ofSeconds(30));
        lessor.renew(2);
        assertThat(lessor.leases()).as("renewed, lease 2 expires after lease 3")
                .containsExactly(3, 2, 1);

        lessor.demote();
        assertThat(lessor.leases()).as("every lease lives forever off the leader")
                .containsExactly(1, 2, 3);
    }

    @Test
    void grantRefusesTooLargeTtlExistingIdAndIdZeroWritingNothing() {
        Lessor lessor = lessor();
        assertThat(grant(lessor, 1, Lessor.TTL_SECONDS_MAX)).isEqualTo(Lessor.TTL_SECONDS_MAX);

        assertThatThrownBy(() -> grant(lessor, 2, Lessor.TTL_SECONDS_MAX + 1))
                .isInstanceOf(LeaseTtlTooLargeException.class);
        assertThatThrownBy(() -> grant(lessor, 1, 10))
                .isInstanceOf(LeaseExistsException.class)
                .hasMessageContaining("lease already exists");
        assertThatThrownBy(() -> grant(lessor, Lessor.NO_LEASE, 10))
                .isInstanceOf(LeaseNotFoundException.class);

        assertThat(lessor.leases()).containsExactly(1);
        assertThat(records.size()).isEqualTo(1);
        assertThat(records.lease(1).getTtlSeconds()).isEqualTo(Lessor.TTL_SECONDS_MAX);
    }

    @Test
    void revokeForgetsTheLeaseAndDeletesItsRecord() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);
        grant(lessor, 2, 10);

        revoke(lessor, 1);

        assertThat(lessor.exists(1)).isFalse();
        assertThat(lessor.leases()).containsExactly(2);
        assertThat(records.lease(1)).isNull();
        assertThatThrownBy(() -> revoke(lessor, 1)).isInstanceOf(LeaseNotFoundException.class);
        assertThatThrownBy(() -> lessor.renew(1)).isInstanceOf(LeaseNotFoundException.class);
        clock.advanceSeconds(60);
        assertThat(lessor.expiredLeases()).containsExactly(2);
    }

    @Test
    void onlyThePrimaryRenewsAndAnswersTimeToLive() {
        Lessor follower = lessor();
        grant(follower, 1, 10);

        assertThatThrownBy(() -> follower.renew(1)).isInstanceOf(NotPrimaryException.class);
        assertThatThrownBy(() -> follower.timeToLive(1)).isInstanceOf(NotPrimaryException.class);
        assertThat(follower.exists(1)).isTrue();

        follower.promote();
        assertThat(follower.renew(1).ttlSeconds()).isEqualTo(10);
        assertThatThrownBy(() -> follower.renew(9)).isInstanceOf(LeaseNotFoundException.class);
        assertThatThrownBy(() -> follower.timeToLive(9))
                .isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void theLeaderExpiresALeaseExactlyWhenItsTtlHasPassed() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);

        clock.advanceNanos(10 * SECOND_NANOS - 1);

        assertThat(lessor.timeToLive(1)).isEqualTo(new LeaseStatus(1, 10, 0));
        assertExpiresAfter(lessor, 1, 1);
    }

    @Test
    void timeToLiveCountsDownWholeSeconds() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);
        assertThat(lessor.timeToLive(1)).isEqualTo(new LeaseStatus(1, 10, 10));

        clock.advance(Duration.ofMillis(3500));
        assertThat(lessor.timeToLive(1)).isEqualTo(new LeaseStatus(1, 10, 6));
    }

    @Test
    void aFollowerNeverExpiresLeasesOnItsOwnClock() {
        Lessor follower = lessor();
        grant(follower, 1, 10);
        grant(follower, 2, 3600);

        clock.advance(Duration.ofDays(1));

        assertThat(follower.expiredLeases()).isEmpty();
        assertThat(follower.dueCheckpoints()).isEmpty();
        assertThat(follower.leases()).containsExactly(1, 2);
    }

    @Test
    void renewalRestartsTheFullTtl() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);
        clock.advanceSeconds(8);

        Renewal renewal = lessor.renew(1);

        assertThat(renewal).isEqualTo(new Renewal(10, Optional.empty()));
        assertExpiresAfter(lessor, 1, 10 * SECOND_NANOS);
    }

    @Test
    void promotionStartsEveryLeaseFromItsTtlPlusAnElectionTimeout() {
        Lessor lessor = lessor();
        grant(lessor, 1, 10);
        clock.advanceSeconds(100);

        lessor.promote();

        assertThat(lessor.timeToLive(1).remainingTtlSeconds()).isEqualTo(11);
        assertExpiresAfter(lessor, 1, 11 * SECOND_NANOS);
    }

    @Test
    void aRenewalRightAfterPromotionGivesUpTheExtensionAsInEtcd() {
        Lessor lessor = lessor();
        grant(lessor, 1, 10);
        lessor.promote();

        lessor.renew(1);

        assertExpiresAfter(lessor, 1, 10 * SECOND_NANOS);
    }

    @Test
    void demotionStopsExpiry() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);
        clock.advanceSeconds(5);

        lessor.demote();
        clock.advanceSeconds(60);

        assertThat(lessor.isPrimary()).isFalse();
        assertThat(lessor.expiredLeases()).isEmpty();
        assertThatThrownBy(() -> lessor.renew(1)).isInstanceOf(NotPrimaryException.class);
        assertThat(lessor.exists(1)).isTrue();
    }

    @Test
    void anExpiredLeaseIsNotRenewedAndItsRenewalLearnsOfTheRevoke() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);
        clock.advanceSeconds(10);

        LeaseExpiredException expired =
                (LeaseExpiredException) catchLease(() -> lessor.renew(1));
        CompletableFuture<Void> settled = expired.settled();
        assertThat(settled).isNotDone();
        assertThat(lessor.expiredLeases()).containsExactly(1);

        revoke(lessor, 1);

        assertThat(settled).isCompleted();
    }

    @Test
    void aRenewalWaitingOnAnExpiredLeaseFailsWhenTheLessorIsDemoted() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);
        clock.advanceSeconds(11);
        CompletableFuture<Void> settled =
                ((LeaseExpiredException) catchLease(() -> lessor.renew(1))).settled();

        lessor.demote();

        assertThatThrownBy(settled::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(NotPrimaryException.class);
        lessor.promote();
        assertThat(lessor.renew(1).ttlSeconds()).isEqualTo(10);
    }

    @Test
    void anExpiredLeaseIsHandedOutAgainOnlyAfterTheRetryInterval() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);
        clock.advanceSeconds(10);
        assertThat(lessor.expiredLeases()).containsExactly(1);

        assertExpiresAfter(lessor, 1, 3 * SECOND_NANOS);

        revoke(lessor, 1);
        clock.advanceSeconds(60);
        assertThat(lessor.expiredLeases()).isEmpty();
    }

    @Test
    void expiredLeasesComeEarliestFirstInBoundedBatchesAtABoundedRate() {
        Lessor lessor = new Lessor(config(100, 10), clock);
        lessor.promote();
        for (long id = 1000; id >= 1; id--) {
            grant(lessor, id, 2);
            clock.advanceNanos(1);
        }
        clock.advanceSeconds(2);

        // Lease 1000 was granted first, so it expires first (ID order would say lease 1); the
        // bucket starts with one batch of credit and refills at 100 a second.
        assertThat(lessor.expiredLeases())
                .containsExactly(1000, 999, 998, 997, 996, 995, 994, 993, 992, 991);
        assertThat(lessor.expiredLeases()).isEmpty();
        clock.advance(Duration.ofMillis(50));
        assertThat(lessor.expiredLeases()).containsExactly(990, 989, 988, 987, 986);

        int handedOut = 15;
        for (int tick = 0; tick < 20; tick++) {
            clock.advance(Duration.ofMillis(500));
            long[] batch = lessor.expiredLeases();
            assertThat(batch).hasSize(10);
            assertThat(batch[0]).isEqualTo(1000 - handedOut);
            handedOut += batch.length;
            assertThat(lessor.expiredLeases()).isEmpty();
        }
    }

    @Test
    void aCheckpointLetsTheNextLeaderContinueFromTheRemainingTtl() {
        MemoryRecords followerRecords = new MemoryRecords();
        Lessor leader = leader();
        Lessor follower = lessor();
        grant(leader, 1, 60);
        follower.grant(1, 60, followerRecords::put);
        grant(leader, 2, 60);
        follower.grant(2, 60, followerRecords::put);
        clock.advanceSeconds(10);

        Optional<LeaseCheckpointRequest> due = leader.dueCheckpoints();

        assertThat(due)
                .hasValue(
                        checkpoints(1, 50).toBuilder()
                                .addCheckpoints(
                                        LeaseCheckpoint.newBuilder()
                                                .setId(2)
                                                .setRemainingTtlSeconds(50))
                                .build());
        // Only lease 1's checkpoint is applied: lease 2's proposal is lost.
        leader.checkpoint(checkpoints(1, 50), records::put);
        follower.checkpoint(checkpoints(1, 50), followerRecords::put);
        assertThat(followerRecords.lease(1).getRemainingTtlSeconds()).isEqualTo(50);

        leader.demote();
        clock.advanceSeconds(5);
        follower.promote();

        assertThat(follower.timeToLive(1).remainingTtlSeconds()).isEqualTo(51);
        assertThat(follower.timeToLive(2).remainingTtlSeconds()).isEqualTo(61);
        clock.advanceSeconds(51);
        assertThat(follower.expiredLeases()).containsExactly(1);
    }

    @Test
    void onlyLeasesLongerThanTheIntervalAreCheckpointedOncePerInterval() {
        Lessor lessor = leader();
        grant(lessor, 1, 10);
        grant(lessor, 2, 11);

        clock.advanceSeconds(9);
        assertThat(lessor.dueCheckpoints()).isEmpty();
        clock.advanceSeconds(1);
        assertThat(lessor.dueCheckpoints()).hasValue(checkpoints(2, 1));
        assertThat(lessor.dueCheckpoints()).isEmpty();

        lessor.renew(2);
        clock.advanceSeconds(10);
        assertThat(lessor.dueCheckpoints()).hasValue(checkpoints(2, 1));
    }

    @Test
    void aLeaseRenewedWithinTheLastSecondIsNotCheckpointedButStaysScheduled() {
        Lessor lessor = leader();
        grant(lessor, 1, 60);
        clock.advance(Duration.ofMillis(9500));
        lessor.renew(1);
        clock.advance(Duration.ofMillis(500));

        assertThat(lessor.dueCheckpoints()).isEmpty();

        clock.advanceSeconds(10);
        assertThat(lessor.dueCheckpoints()).hasValue(checkpoints(1, 50));
    }

    @Test
    void renewingACheckpointedLeaseProposesAResetSoTheNextLeaderUsesTheFullTtl() {
        Lessor leader = leader();
        grant(leader, 1, 60);
        clock.advanceSeconds(10);
        leader.checkpoint(leader.dueCheckpoints().orElseThrow(), records::put);
        assertThat(records.lease(1).getRemainingTtlSeconds()).isEqualTo(50);

        Renewal renewal = leader.renew(1);

        assertThat(renewal.checkpointReset()).hasValue(checkpoints(1, 0));
        assertThat(leader.renew(1).checkpointReset()).isPresent();
        leader.checkpoint(renewal.checkpointReset().orElseThrow(), records::put);
        assertThat(records.lease(1).getRemainingTtlSeconds()).isZero();
        assertThat(leader.renew(1).checkpointReset()).isEmpty();

        Lessor next = lessor();
        next.recover(records.read());
        next.promote();
        assertThat(next.timeToLive(1).remainingTtlSeconds()).isEqualTo(61);
    }

    @Test
    void recoveryRestoresLeasesFromTheirRecordsWithTheirLastCheckpoints() {
        Lessor before = leader();
        grant(before, 1, 60);
        grant(before, 2, 100);
        grant(before, 3, 30);
        revoke(before, 3);
        before.checkpoint(checkpoints(2, 40), records::put);
        clock.advanceSeconds(1000);

        Lessor after = lessor();
        after.recover(records.read());

        assertThat(after.isPrimary()).isFalse();
        assertThat(after.leases()).containsExactly(1, 2);
        assertThat(after.expiredLeases()).isEmpty();
        after.promote();
        assertThat(after.timeToLive(1)).isEqualTo(new LeaseStatus(1, 60, 61));
        assertThat(after.timeToLive(2)).isEqualTo(new LeaseStatus(2, 100, 41));
    }

    @Test
    void recoveryRaisesOldTtlsToTodaysMinimumAndRefusesCorruptRecords() {
        records.put(
                LeaseRecords.key(5),
                LeaseRecord.newBuilder().setId(5).setTtlSeconds(1).build().toByteArray());
        Lessor lessor = lessor();
        lessor.recover(records.read());
        lessor.promote();
        assertThat(lessor.timeToLive(5).grantedTtlSeconds()).isEqualTo(2);

        Map<ByteString, ByteString> wrongKey =
                Map.of(
                        ByteString.copyFrom(LeaseRecords.key(6)),
                        LeaseRecord.newBuilder().setId(7).setTtlSeconds(10).build().toByteString());
        Map<ByteString, ByteString> garbage =
                Map.of(
                        ByteString.copyFrom(LeaseRecords.key(6)),
                        ByteString.copyFrom(new byte[] {8}));
        Lessor other = lessor();
        assertThatThrownBy(() -> other.recover(wrongKey))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("impossible lease");
        assertThatThrownBy(() -> other.recover(garbage))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not parse");
        assertThatThrownBy(() -> lessor.recover(records.read()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("primary");
    }

    @Test
    void aChosenIdIsPositiveAndNeverZero() {
        long[] draws = {0, Long.MIN_VALUE, -5};
        int[] next = {0};
        assertThat(Lessor.chooseId(() -> draws[next[0]++])).isEqualTo(Long.MAX_VALUE - 4);
        assertThatThrownBy(() -> Lessor.chooseId(() -> 0))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Lease {@code id} is handed out {@code nanos} from now, not a nanosecond earlier. */
    private void assertExpiresAfter(Lessor lessor, long id, long nanos) {
        assertThat(lessor.expiredLeases()).isEmpty();
        clock.advanceNanos(nanos - 1);
        assertThat(lessor.expiredLeases()).isEmpty();
        clock.advanceNanos(1);
        assertThat(lessor.expiredLeases()).containsExactly(id);
    }

    private static LeaseException catchLease(Runnable call) {
        try {
            call.run();
        } catch (LeaseException e) {
            return e;
        }
        throw new AssertionError("expected a LeaseException");
    }
}
