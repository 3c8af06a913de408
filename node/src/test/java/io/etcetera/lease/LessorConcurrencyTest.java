package io.etcetera.lease;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The lessor shared as the server shares it: an apply thread granting, revoking and
 * checkpointing; two gRPC threads renewing and reading; a reaper polling and moving the clock; a
 * leadership thread promoting and demoting — all at once, with invariant checks on. Only the
 * refusals each caller must handle may escape, and afterwards the leases and records are exactly
 * what the apply thread applied. The schedule of the threads is not deterministic; every
 * interleaving must pass.
 */
class LessorConcurrencyTest {

    private static final int OPERATIONS_PER_THREAD = 10_000;
    private static final long ID_POOL = 64;
    private static final int THREADS = 5;

    /** The threads meet every this many operations, so that their operations overlap. */
    private static final int OPERATIONS_PER_ROUND = 64;

    private final AtomicLong clockNanos = new AtomicLong();
    private final InstantSource clock = () -> Instant.ofEpochSecond(0, clockNanos.get());

    @Test
    void concurrentCallersSeeOnlyTheirOwnRefusalsAndLeaveConsistentState() throws Exception {
        Lessor lessor = new Lessor(LessorConfig.defaults(100, 10), clock);
        Map<ByteString, ByteString> records = new ConcurrentHashMap<>();
        Set<Long> granted = new TreeSet<>();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        CyclicBarrier rounds = new CyclicBarrier(THREADS);
        List<Future<?>> done = new ArrayList<>();
        try {
            List<Runnable> callers =
                    List.of(
                            () -> apply(lessor, records, granted, rounds),
                            () -> renew(lessor, 1, rounds),
                            () -> renew(lessor, 2, rounds),
                            () -> reap(lessor, rounds),
                            () -> lead(lessor, rounds));
            for (Runnable caller : callers) {
                done.add(threads.submit(() -> breakRoundsOnFailure(rounds, caller)));
            }
            for (Future<?> thread : done) {
                thread.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        lessor.demote();
        assertThat(lessor.leases())
                .containsExactly(granted.stream().mapToLong(Long::longValue).toArray());
        assertThat(records.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        granted.stream()
                                .map(id -> ByteString.copyFrom(LeaseRecords.key(id)))
                                .toList());
    }

    private static void apply(
            Lessor lessor,
            Map<ByteString, ByteString> records,
            Set<Long> granted,
            CyclicBarrier rounds) {
                BiConsumer<byte[], byte[]> putRecord =
                (key, value) -> records.put(ByteString.copyFrom(key), ByteString.copyFrom(value));
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            meetEvery(rounds, i);
            long id = random.nextLong(1, ID_POOL);
            if (granted.contains(id)) {
                lessor.revoke(id, key -> records.remove(ByteString.copyFrom(key)));
                granted.remove(id);
            } else {
                lessor.grant(id, random.nextLong(1, 30), putRecord);
                granted.add(id);
            }
            lessor.dueCheckpoints().ifPresent(request -> lessor.checkpoint(request, putRecord));
        }
    }

    private static void renew(Lessor lessor, long seed, CyclicBarrier rounds) {
                SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            meetEvery(rounds, i);
            long id = random.nextLong(1, ID_POOL);
            try {
                if (random.nextBoolean()) {
                    assertThat(lessor.renew(id).ttlSeconds()).isPositive();
                } else {
                    assertThat(lessor.timeToLive(id).remainingTtlSeconds()).isNotNegative();
                }
            } catch (NotPrimaryException | LeaseNotFoundException | LeaseExpiredException e) {
                // The refusals a KeepAlive or TimeToLive handler answers.
            }
        }
    }

    private void reap(Lessor lessor, CyclicBarrier rounds) {
                for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            meetEvery(rounds, i);
            clockNanos.addAndGet(Duration.ofMillis(5).toNanos());
            for (long id : lessor.expiredLeases()) {
                assertThat(id).isBetween(1L, ID_POOL);
            }
        }
    }

    private static void lead(Lessor lessor, CyclicBarrier rounds) {
                for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            meetEvery(rounds, i);
            lessor.promote();
            lessor.demote();
            lessor.promote();
        }
    }

    /** A caller that fails releases the others from the barrier instead of leaving them waiting. */
    private static void breakRoundsOnFailure(CyclicBarrier rounds, Runnable caller) {
        try {
            caller.run();
        } catch (RuntimeException | Error e) {
            rounds.reset();
            throw e;
        }
    }

    private static void meetEvery(CyclicBarrier rounds, int operation) {
        if (operation % OPERATIONS_PER_ROUND != 0) {
            return;
        }
        try {
            rounds.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("another caller failed", e);
        }
    }
}
