package io.etcetera.lease;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/** The lease queue against {@link PriorityQueue} as the oracle, over seeded random operations. */
class LeaseQueueTest {

    private static final int OPERATIONS = 5_000;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void popsPairsInTimeThenIdOrderAsAPriorityQueueDoes(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LeaseQueue queue = new LeaseQueue();
        PriorityQueue<long[]> oracle =
                new PriorityQueue<>(
                        Comparator.<long[]>comparingLong(pair -> pair[0])
                                .thenComparingLong(pair -> pair[1]));
        for (int step = 0; step < OPERATIONS; step++) {
            int choice = random.nextInt(10);
            if (choice < 6) {
                // Few distinct times, so equal times are common and the ID must break ties.
                long time = random.nextLong(-50, 200);
                long id = random.nextLong(1, 40);
                queue.push(time, id);
                oracle.add(new long[] {time, id});
            } else if (choice < 9 && !oracle.isEmpty()) {
                long[] expected = oracle.poll();
                assertThat(new long[] {queue.peekTime(), queue.peekId()})
                        .as("seed %d step %d", seed, step)
                        .containsExactly(expected);
                queue.pop();
            } else if (random.nextInt(50) == 0) {
                queue.clear();
                oracle.clear();
            }
            if (queue.size() != oracle.size() || queue.isEmpty() != oracle.isEmpty()) {
                throw new AssertionError(
                        "seed " + seed + " step " + step + ": size " + queue.size() + " != "
                                + oracle.size());
            }
        }
    }
}
