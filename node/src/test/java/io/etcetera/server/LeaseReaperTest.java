package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.lease.LeaseRecords;
import io.etcetera.lease.Lessor;
import io.etcetera.lease.LessorConfig;
import io.etcetera.server.pb.RaftRequest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The lease reaper on an injected clock, with the Raft side played by the test: it proposes
 * revokes only on the leader, only after the leadership of the same term is confirmed, at the
 * lessor's bounded rate, and proposes due checkpoints. No thread, no sleep: the test moves the
 * clock and calls {@link LeaseReaper#tick}.
 *
 * <p>Timing: heartbeat 100 ms and 10 ticks (election timeout 1 s, minimum TTL 2 s), checkpoints
 * every 10 s, expired leases handed out again after 3 s, at most 1000 revokes a second in batches
 * of 500.
 */
class LeaseReaperTest {

    private final TestClock clock = new TestClock(0);
    private final Lessor lessor = new Lessor(new LessorConfig(100, 10, Duration.ofSeconds(10),
            Duration.ofSeconds(3), 1000, 500, 10_000, 1000), clock);
    private final List<RaftRequest> proposed = new ArrayList<>();
    private final List<CompletableFuture<Void>> confirmations = new ArrayList<>();
    private boolean leader = true;
    /** Whether proposals are applied at once; else they stay in flight. */
    private boolean applied = true;
    private long term = 2;

    private final LeaseReaper reaper = new LeaseReaper(lessor, () -> leader, () -> term,
            this::confirm, this::propose);

    private CompletableFuture<Void> confirm() {
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        confirmations.add(confirmation);
        return confirmation;
    }

    private CompletableFuture<Object> propose(RaftRequest.Builder request) {
        proposed.add(request.build());
        return applied ? CompletableFuture.completedFuture(request.build())
                : new CompletableFuture<>();
    }

    private void grant(long id, long ttlSeconds) {
        lessor.grant(id, ttlSeconds, (key, value) -> assertThat(key)
                .isEqualTo(LeaseRecords.key(id)));
    }

    /** Moves the clock and lets the reaper run, as the server loop's sweep does. */
    private void tickAfter(long millis) {
        clock.advance(millis);
        reaper.tick(clock.millis());
    }

    private List<Long> revoked() {
        return proposed.stream().filter(RaftRequest::hasLeaseRevoke)
                .map(request -> request.getLeaseRevoke().getID()).toList();
    }

    @Test
    void leaderRevokesAnExpiredLeaseOnceLeadershipIsConfirmed() {
        lessor.promote();
        grant(7, 5);
        tickAfter(4900);
        assertThat(confirmations).as("nothing has expired yet").isEmpty();
        tickAfter(600);
        assertThat(confirmations).hasSize(1);
        assertThat(revoked()).as("no revoke before the read round confirms leadership").isEmpty();
        confirmations.get(0).complete(null);
        assertThat(revoked()).containsExactly(7L);
    }

    @Test
    void aFollowerNeverRevokesOnItsOwnClock() {
        grant(7, 5);
        leader = false;
        for (int i = 0; i < 40; i++) {
            tickAfter(500);
        }
        assertThat(confirmations).isEmpty();
        assertThat(proposed).isEmpty();
    }

    @Test
    void aLeaderDeposedWhileConfirmingRevokesNothingAndTheNextLeaderStartsOver() {
        lessor.promote();
        grant(7, 2);
        tickAfter(3500);
        assertThat(confirmations).hasSize(1);
        term = 3; // an election happened while the read round was out
        confirmations.get(0).complete(null);
        assertThat(revoked()).isEmpty();
        leader = false;
        lessor.demote();
        tickAfter(5000);
        assertThat(revoked()).as("a follower never revokes").isEmpty();
    }

    @Test
    void aFailedConfirmationRetriesAfterTheRetryInterval() {
        lessor.promote();
        grant(7, 2);
        tickAfter(3500);
        confirmations.get(0).completeExceptionally(
                RequestFailedException.of(RequestFailedException.Reason.TIMEOUT));
        assertThat(revoked()).isEmpty();
        tickAfter(500);
        assertThat(confirmations).as("handed out again only after 3 s").hasSize(1);
        tickAfter(3000);
        assertThat(confirmations).hasSize(2);
        confirmations.get(1).complete(null);
        assertThat(revoked()).containsExactly(7L);
    }

    @Test
    void ticksCloserThanTheReapIntervalDoNothing() {
        lessor.promote();
        grant(7, 2);
        tickAfter(3000);
        assertThat(confirmations).hasSize(1);
        confirmations.get(0).complete(null);
        grant(8, 2);
        clock.advance(3000);
        reaper.tick(clock.millis());
        reaper.tick(clock.millis() + LeaseReaper.REAP_INTERVAL_MILLIS - 1);
        assertThat(confirmations).as("one reap per interval").hasSize(2);
    }

    @Test
    void manyExpiredLeasesAreRevokedAtTheBoundedRate() {
        lessor.promote();
        for (long id = 1; id <= 2000; id++) {
            grant(id, 2);
        }
        clock.advance(3100);
        int reaps = 0;
        while (revoked().size() < 2000) {
            tickAfter(LeaseReaper.REAP_INTERVAL_MILLIS);
            reaps++;
            int before = revoked().size();
            confirmations.get(confirmations.size() - 1).complete(null);
            assertThat(revoked().size() - before).as("one reap's revokes").isLessThanOrEqualTo(500);
        }
        assertThat(reaps).as("2000 leases at 1000 a second take at least 4 reaps")
                .isGreaterThanOrEqualTo(4);
        assertThat(revoked()).doesNotHaveDuplicates().hasSize(2000);
        assertThat(reaper.revokesInFlight()).isZero();
    }

    @Test
    void revokesInFlightAreBounded() {
        applied = false;
        lessor.promote();
        for (long id = 1; id <= 3000; id++) {
            grant(id, 2);
        }
        clock.advance(3100);
        for (int reap = 0; reap < 8; reap++) {
            tickAfter(LeaseReaper.REAP_INTERVAL_MILLIS);
            confirmations.get(confirmations.size() - 1).complete(null);
        }
        assertThat(reaper.revokesInFlight())
                .isEqualTo(revoked().size())
                .isLessThan(LeaseReaper.REVOKES_IN_FLIGHT_MAX + 500);
        int proposedBefore = revoked().size();
        int confirmationsBefore = confirmations.size();
        tickAfter(LeaseReaper.REAP_INTERVAL_MILLIS);
        assertThat(confirmations).as("no reap while the cap is reached")
                .hasSize(confirmationsBefore);
        assertThat(revoked()).hasSize(proposedBefore);
    }

    @Test
    void dueCheckpointsAreProposedWithoutWaitingForConfirmation() {
        lessor.promote();
        grant(9, 60);
        tickAfter(9_000);
        assertThat(proposed).isEmpty();
        tickAfter(2_000);
        assertThat(proposed).hasSize(1);
        RaftRequest checkpoint = proposed.get(0);
        assertThat(checkpoint.hasLeaseCheckpoint()).isTrue();
        assertThat(checkpoint.getLeaseCheckpoint().getCheckpoints(0).getId()).isEqualTo(9);
        assertThat(checkpoint.getLeaseCheckpoint().getCheckpoints(0).getRemainingTtlSeconds())
                .as("granted for 60 s on the leader, 11 s ago").isEqualTo(49);
    }
}
