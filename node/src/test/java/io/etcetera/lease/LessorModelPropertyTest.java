package io.etcetera.lease;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;

import io.etcetera.lease.pb.LeaseCheckpoint;
import io.etcetera.lease.pb.LeaseCheckpointRequest;
import io.etcetera.lease.pb.LeaseRecord;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Two members' lessors driven by seeded random operations — grants, renewals, revokes, clock
 * advances, reaping, checkpoints (some proposals lost), promotions, demotions, restarts — and
 * checked after every step against {@link NaiveLeases}: the same leases and records on both
 * members, the same refusals, the leader's remaining TTLs, which leases expire and in which order,
 * the checkpoints due, renewals waiting on expired leases, and the revoke rate bound.
 *
 * <p>Even seeds use limits that never bind, so expiry and checkpoints are compared exactly; odd
 * seeds use small batches and rates, so expiry is compared as a prefix of the model's order and
 * the rate is checked over every window of reaper calls. A failure names the seed and the last
 * operations; a run with {@code -Dtest=LessorModelPropertyTest -Dlease.seeds=N} replays seeds 1 to
 * N.
 */
class LessorModelPropertyTest {

    private static final int STEPS = 1000;

    /** Seeds per run; {@code -Dlease.seeds=1000} for a longer search. */
    private static final int SEEDS = Integer.getInteger("lease.seeds", 12);
    private static final int TRACE_LINES = 40;
    private static final long SECOND_NANOS = 1_000_000_000L;
    private static final long ID_POOL = 24;
    private static final long[] TTLS = {
        -1, 0, 1, 2, 3, 5, 9, 10, 11, 15, 30, 60, 600, Lessor.TTL_SECONDS_MAX,
        Lessor.TTL_SECONDS_MAX + 1
    };

    static LongStream seeds() {
        return LongStream.rangeClosed(1, SEEDS);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void lessorsAgreeWithTheNaiveModel(long seed) {
        Run run = new Run(seed);
        for (int step = 0; step < STEPS; step++) {
            try {
                run.step();
                run.check();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "seed " + seed + " step " + step + ", last operations:\n"
                                + String.join("\n", run.trace),
                        e);
            }
        }
    }

    /** One seeded run: the members, the model, the clock, and what is pending. */
    private static final class Run {
        final SplittableRandom random;
        final boolean bindingLimits;
        final LessorConfig config;
        final FakeClock clock = new FakeClock();
        final NaiveLeases model;
        final Lessor[] members = new Lessor[2];
        final MemoryRecords[] records = {new MemoryRecords(), new MemoryRecords()};
        final Map<Long, List<CompletableFuture<Void>>> waiting = new HashMap<>();
        /** Per member: (time, leases handed out) of each reaper call since it was made. */
        final List<List<long[]>> reaps = List.of(new ArrayList<>(), new ArrayList<>());
        final Deque<String> trace = new ArrayDeque<>();
        long nowNanos;
        int leader = -1;

        Run(long seed) {
            random = new SplittableRandom(seed);
            bindingLimits = seed % 2 == 1;
            config =
                    new LessorConfig(
                            100,
                            10,
                            Duration.ofSeconds(10),
                            Duration.ofSeconds(3),
                            bindingLimits ? random.nextInt(5, 50) : 1_000_000,
                            bindingLimits ? random.nextInt(1, 6) : 1000,
                            bindingLimits ? random.nextInt(5, 50) : 1_000_000,
                            bindingLimits ? random.nextInt(1, 6) : 1000);
            model = new NaiveLeases(config);
            members[0] = new Lessor(config, clock);
            members[1] = new Lessor(config, clock);
        }

        void step() {
            int choice = random.nextInt(100);
            if (choice < 20) {
                grant();
            } else if (choice < 40) {
                renew();
            } else if (choice < 47) {
                revoke(randomId(), "client");
            } else if (choice < 67) {
                advance();
            } else if (choice < 77) {
                reap();
            } else if (choice < 85) {
                proposeCheckpoints();
            } else if (choice < 89) {
                timeToLive();
            } else if (choice < 95) {
                changeLeader();
            } else if (choice < 97) {
                demote();
            } else {
                restartFollower();
            }
        }

        void grant() {
            long id = random.nextInt(50) == 0 ? Lessor.NO_LEASE : randomId();
            long ttl = TTLS[random.nextInt(TTLS.length)];
            log("grant %d ttl %d", id, ttl);
            Class<? extends LeaseException> refusal = model.grantRefusal(id, ttl);
            Long granted = refusal == null ? model.grant(id, ttl, nowNanos) : null;
            for (int m = 0; m < members.length; m++) {
                Lessor member = members[m];
                MemoryRecords sink = records[m];
                expect(() -> member.grant(id, ttl, sink::put), refusal, granted);
            }
        }

        void renew() {
            long id = randomId();
            int m = random.nextInt(members.length);
            log("renew %d at member %d", id, m);
            Class<? extends LeaseException> refusal =
                    model.renewRefusal(id, m == leader, nowNanos);
            Renewal renewal;
            try {
                renewal = members[m].renew(id);
            } catch (LeaseExpiredException expired) {
                assertThat(refusal).isEqualTo(LeaseExpiredException.class);
                waiting.computeIfAbsent(id, key -> new ArrayList<>()).add(expired.settled());
                return;
            } catch (LeaseException refused) {
                assertThat(refused).isInstanceOf(refusal);
                return;
            }
            assertThat(refusal).as("renewal refused").isNull();
            NaiveLeases.Entry entry = model.leases().get(id);
            assertThat(renewal.ttlSeconds()).isEqualTo(entry.ttlSeconds);
            assertThat(renewal.checkpointReset().isPresent())
                    .isEqualTo(entry.remainingTtlSeconds > 0);
            model.renew(id, nowNanos);
            renewal.checkpointReset().ifPresent(this::maybeCommitCheckpoints);
        }

        void revoke(long id, String why) {
            log("revoke %d (%s)", id, why);
            boolean known = model.leases().containsKey(id);
            model.revoke(id);
            for (int m = 0; m < members.length; m++) {
                Lessor member = members[m];
                MemoryRecords sink = records[m];
                expect(
                        () -> {
                            member.revoke(id, sink::delete);
                            return null;
                        },
                        known ? null : LeaseNotFoundException.class,
                        null);
            }
            for (CompletableFuture<Void> settled : waiting.getOrDefault(id, List.of())) {
                assertThat(settled).isCompleted();
            }
            waiting.remove(id);
        }

        void advance() {
            long nanos =
                    switch (random.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> random.nextLong(1, SECOND_NANOS);
                        case 2 -> random.nextLong(1, 5) * SECOND_NANOS;
                        default -> random.nextLong(10, 40) * SECOND_NANOS;
                    };
            log("advance %d ns", nanos);
            clock.advanceNanos(nanos);
            nowNanos += nanos;
        }

        void reap() {
            for (int m = 0; m < members.length; m++) {
                if (m != leader) {
                    assertThat(members[m].expiredLeases()).isEmpty();
                }
            }
            if (leader < 0) {
                return;
            }
            long[] expired = members[leader].expiredLeases();
            log("reap %s", Arrays.toString(expired));
            List<NaiveLeases.Entry> order = model.handOutOrder(nowNanos);
            if (bindingLimits) {
                assertThat(expired.length).isLessThanOrEqualTo(config.revokeBatchMax());
            } else {
                assertThat(expired).hasSize(order.size());
            }
            checkRate(expired.length);
            for (int i = 0; i < expired.length; i++) {
                assertThat(expired[i]).isEqualTo(order.get(i).id);
                model.handedOut(expired[i], nowNanos);
            }
            for (long id : expired) {
                if (random.nextInt(10) < 7) {
                    revoke(id, "expired");
                }
            }
        }

        void proposeCheckpoints() {
            for (int m = 0; m < members.length; m++) {
                if (m != leader) {
                    assertThat(members[m].dueCheckpoints()).isEmpty();
                }
            }
            if (leader < 0) {
                return;
            }
            Optional<LeaseCheckpointRequest> due = members[leader].dueCheckpoints();
            log("checkpoints %s", due.map(Run::describe).orElse("none"));
            Map<Long, Long> actual = new TreeMap<>();
            due.ifPresent(
                    request ->
                            request.getCheckpointsList()
                                    .forEach(
                                            checkpoint ->
                                                    actual.put(
                                                            checkpoint.getId(),
                                                            checkpoint.getRemainingTtlSeconds())));
            if (bindingLimits) {
                actual.forEach(this::checkCheckpointIsTrue);
                assertThat(actual.size()).isLessThanOrEqualTo(config.checkpointBatchMax());
            } else {
                assertThat(actual).isEqualTo(model.takeDueCheckpoints(nowNanos));
            }
            due.ifPresent(this::maybeCommitCheckpoints);
        }

        void timeToLive() {
            if (leader < 0) {
                return;
            }
            long id = randomId();
            log("timeToLive %d", id);
            if (!model.leases().containsKey(id)) {
                expect(() -> members[leader].timeToLive(id), LeaseNotFoundException.class, null);
                return;
            }
            NaiveLeases.Entry entry = model.leases().get(id);
            assertThat(members[leader].timeToLive(id))
                    .isEqualTo(
                            new LeaseStatus(
                                    id, entry.ttlSeconds, model.remainingSeconds(id, nowNanos)));
        }

        void changeLeader() {
            int next = random.nextInt(members.length);
            if (leader >= 0 && leader != next) {
                demote();
            }
            log("promote member %d", next);
            List<CompletableFuture<Void>> pending = takeWaiters();
            leader = next;
            model.promote(nowNanos);
            members[next].promote();
            checkFailedAsNotPrimary(pending);
        }

        void demote() {
            if (leader < 0) {
                return;
            }
            log("demote member %d", leader);
            List<CompletableFuture<Void>> pending = takeWaiters();
            members[leader].demote();
            model.demote();
            leader = -1;
            checkFailedAsNotPrimary(pending);
        }

        void restartFollower() {
            int m = random.nextInt(members.length);
            if (m == leader) {
                demote();
            }
            log("restart member %d", m);
            members[m] = new Lessor(config, clock);
            members[m].recover(records[m].read());
            reaps.get(m).clear();
        }

        /** The same checks every step: leases, records and roles of both members. */
        void check() {
            Map<Long, LeaseRecord> expected = model.records();
            long[] ids = expected.keySet().stream().mapToLong(Long::longValue).toArray();
            long[] idsByExpiry = model.idsByExpiry();
            for (int m = 0; m < members.length; m++) {
                assertThat(members[m].leases()).as("leases of member %d", m)
                        .containsExactly(m == leader ? idsByExpiry : ids);
                assertThat(members[m].isPrimary()).isEqualTo(m == leader);
                Map<Long, LeaseRecord> stored = new TreeMap<>();
                for (Map.Entry<ByteString, ByteString> record : records[m].read().entrySet()) {
                    LeaseRecord lease = LeaseRecords.decode(record.getKey(), record.getValue());
                    stored.put(lease.getId(), lease);
                }
                assertThat(stored).as("records of member %d", m).isEqualTo(expected);
            }
            assertThat(model.isLed()).isEqualTo(leader >= 0);
        }

        private void maybeCommitCheckpoints(LeaseCheckpointRequest request) {
            if (random.nextInt(10) < 2) {
                log("checkpoint proposal lost");
                return;
            }
            log("apply %s", describe(request));
            for (LeaseCheckpoint checkpoint : request.getCheckpointsList()) {
                model.checkpoint(checkpoint.getId(), checkpoint.getRemainingTtlSeconds());
            }
            for (int m = 0; m < members.length; m++) {
                members[m].checkpoint(request, records[m]::put);
            }
        }

        private void checkCheckpointIsTrue(long id, long remainingSeconds) {
            NaiveLeases.Entry entry = model.leases().get(id);
            assertThat(entry).as("checkpoint of unknown lease %d", id).isNotNull();
            assertThat(entry.ttlSeconds * SECOND_NANOS)
                    .isGreaterThan(config.checkpointInterval().toNanos());
            assertThat(entry.expiryNanos).isGreaterThan(nowNanos);
            long remainingNanos = entry.expiryNanos - nowNanos;
            assertThat(remainingSeconds)
                    .isEqualTo((remainingNanos + SECOND_NANOS - 1) / SECOND_NANOS)
                    .isLessThan(entry.ttlSeconds);
        }

        /** Over every window of reaper calls, no more than the burst plus the rate allows. */
        private void checkRate(int handedOut) {
            List<long[]> calls = reaps.get(leader);
            calls.add(new long[] {nowNanos, handedOut});
            long nanosPerToken = SECOND_NANOS / config.revokeRatePerSecond();
            long total = 0;
            for (int first = calls.size() - 1; first >= 0; first--) {
                total += calls.get(first)[1];
                long windowNanos = nowNanos - calls.get(first)[0];
                assertThat(total)
                        .isLessThanOrEqualTo(config.revokeBatchMax() + windowNanos / nanosPerToken);
            }
        }

        /** Renewals waiting on expired leases: none may have settled yet. */
        private List<CompletableFuture<Void>> takeWaiters() {
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            waiting.values().forEach(pending::addAll);
            waiting.clear();
            for (CompletableFuture<Void> settled : pending) {
                assertThat(settled).isNotDone();
            }
            return pending;
        }

        /** After a leadership change, every renewal that waited is told to retry at the leader. */
        private static void checkFailedAsNotPrimary(List<CompletableFuture<Void>> pending) {
            for (CompletableFuture<Void> settled : pending) {
                assertThat(settled)
                        .isCompletedExceptionally()
                        .failsWithin(Duration.ZERO)
                        .withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(NotPrimaryException.class);
            }
        }

        private <T> void expect(
                Supplier<T> call, Class<? extends LeaseException> refusal, T result) {
            T actual;
            try {
                actual = call.get();
            } catch (LeaseException refused) {
                assertThat(refused).isInstanceOf(refusal);
                return;
            }
            assertThat(refusal).as("expected refusal").isNull();
            assertThat(actual).isEqualTo(result);
        }

        private long randomId() {
            return random.nextLong(1, ID_POOL + 1);
        }

        private void log(String format, Object... args) {
            trace.addLast(String.format("t=%dns ", nowNanos) + String.format(format, args));
            if (trace.size() > TRACE_LINES) {
                trace.removeFirst();
            }
        }

        private static String describe(LeaseCheckpointRequest request) {
            StringBuilder out = new StringBuilder();
            for (LeaseCheckpoint checkpoint : request.getCheckpointsList()) {
                out.append(checkpoint.getId())
                        .append('=')
                        .append(checkpoint.getRemainingTtlSeconds())
                        .append(' ');
            }
            return out.toString().trim();
        }
    }
}
