package io.etcetera.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProgressMapTest {

    private static Progress progress(long match) {
        return new Progress(match, match + 1, new Inflights(1, 1), false, true);
    }

    @Test
    void keepsIdsSortedAsUnsigned() {
        ProgressMap map = new ProgressMap();
        map.put(-5L, progress(1));
        map.put(7, progress(2));
        map.put(3, progress(3));
        assertThat(map.ids()).containsExactly(3L, 7L, -5L);
        map.remove(7);
        assertThat(map.ids()).containsExactly(3L, -5L);
        assertThat(map.get(7)).isNull();
        assertThat(map.get(-5L).match()).isEqualTo(1);
    }

    @Test
    void agreesWithTreeMap() {
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            ProgressMap map = new ProgressMap();
            TreeMap<Long, Long> oracle = new TreeMap<>(Long::compareUnsigned);
            for (int step = 0; step < 100; step++) {
                long id = random.nextLong(-4, 12);
                if (random.nextBoolean()) {
                    long match = random.nextLong(100);
                    map.put(id, progress(match));
                    oracle.put(id, match);
                } else {
                    map.remove(id);
                    oracle.remove(id);
                }
                assertThat(java.util.Arrays.stream(map.ids()).boxed().toList()).as("seed %d", seed)
                        .containsExactlyElementsOf(oracle.keySet());
                for (long key : oracle.keySet()) {
                    assertThat(map.get(key).match()).isEqualTo(oracle.get(key));
                }
            }
        }
    }
}
