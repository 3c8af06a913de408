package io.etcetera.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InflightsTest {

    @Test
    void fullByCountAndFreedUpToAnIndex() {
        Inflights inflights = new Inflights(3, Long.MAX_VALUE);
        inflights.add(5, 10);
        inflights.add(7, 10);
        assertThat(inflights.full()).isFalse();
        inflights.add(9, 10);
        assertThat(inflights.full()).isTrue();
        assertThatThrownBy(() -> inflights.add(11, 1)).isInstanceOf(IllegalStateException.class);
        inflights.freeLE(6);
        assertThat(inflights.count()).isEqualTo(2);
        assertThat(inflights.bytes()).isEqualTo(20);
        inflights.freeLE(4);
        assertThat(inflights.count()).as("stale acknowledgement frees nothing").isEqualTo(2);
        inflights.freeLE(100);
        assertThat(inflights.count()).isZero();
    }

    @Test
    void fullByBytesOnceTheLimitIsReached() {
        Inflights inflights = new Inflights(100, 1000);
        inflights.add(1, 600);
        assertThat(inflights.full()).isFalse();
        inflights.add(2, 400);
        assertThat(inflights.full()).isTrue();
        inflights.freeLE(1);
        assertThat(inflights.full()).isFalse();
    }

    @Test
    void indexesMustIncrease() {
        Inflights inflights = new Inflights(10, Long.MAX_VALUE);
        inflights.add(5, 0);
        assertThatThrownBy(() -> inflights.add(5, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ringWrapsAroundAndCopiesAreIndependent() {
        Inflights inflights = new Inflights(4, Long.MAX_VALUE);
        for (long index = 1; index <= 20; index++) {
            inflights.add(index, index);
            if (index % 3 == 0) {
                inflights.freeLE(index - 1);
            }
        }
        Inflights copy = inflights.copy();
        inflights.reset();
        assertThat(inflights.count()).isZero();
        assertThat(copy.count()).isPositive();
        copy.freeLE(20);
        assertThat(copy.count()).isZero();
        assertThat(copy.bytes()).isZero();
    }

    /** Against a naive deque of (index, bytes). */
    @Test
    void agreesWithNaiveQueue() {
        for (long seed = 0; seed < 500; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int countMax = 1 + random.nextInt(8);
            long bytesMax = 1 + random.nextLong(200);
            Inflights inflights = new Inflights(countMax, bytesMax);
            ArrayDeque<long[]> oracle = new ArrayDeque<>();
            long nextIndex = 1;
            for (int step = 0; step < 200; step++) {
                long oracleBytes = oracle.stream().mapToLong(e -> e[1]).sum();
                boolean oracleFull = oracle.size() == countMax || oracleBytes >= bytesMax;
                assertThat(inflights.full()).as("seed %d step %d", seed, step)
                        .isEqualTo(oracleFull);
                assertThat(inflights.count()).isEqualTo(oracle.size());
                assertThat(inflights.bytes()).isEqualTo(oracleBytes);
                if (!oracleFull && random.nextInt(3) > 0) {
                    nextIndex += 1 + random.nextInt(3);
                    long bytes = random.nextLong(50);
                    inflights.add(nextIndex, bytes);
                    oracle.addLast(new long[] {nextIndex, bytes});
                } else {
                    long upTo = random.nextLong(nextIndex + 2);
                    inflights.freeLE(upTo);
                    while (!oracle.isEmpty() && oracle.peekFirst()[0] <= upTo) {
                        oracle.removeFirst();
                    }
                }
            }
        }
    }
}
