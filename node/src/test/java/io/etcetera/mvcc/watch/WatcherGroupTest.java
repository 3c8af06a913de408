package io.etcetera.mvcc.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.WatchCreateRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The watcher index against a deliberately naive oracle (a list scanned in full): random adds and
 * removes of single-key, interval, from-key and repeated ranges over a small key space with 0x00
 * and 0xFF bytes; after each change, every key's watchers match and the treap's invariants hold.
 */
class WatcherGroupTest {

    private static final String[] KEYS = {
        "", "\0", "a", "a\0", "ab", "abc", "b", "b\u00ff", "ba", "c", "\u00ff", "\u00ff\u00ff"
    };

    private static ByteString bytes(String text) {
        return ByteString.copyFrom(text, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static Watcher watcher(long id, ByteString key, ByteString rangeEnd) {
        WatchCreateRequest request =
                WatchCreateRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd).build();
        return new Watcher(null, id, WatchedRange.of(key, rangeEnd), request);
    }

    private static ByteString randomRangeEnd(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> ByteString.EMPTY;
            case 1 -> bytes("\0");
            default -> bytes(KEYS[random.nextInt(KEYS.length)] + "z");
        };
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void collectMatchesAFullScan(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        WatcherGroup group = new WatcherGroup();
        List<Watcher> oracle = new ArrayList<>();
        for (int step = 0; step < 300; step++) {
            if (oracle.isEmpty() || random.nextInt(3) > 0) {
                ByteString key = bytes(KEYS[random.nextInt(KEYS.length)]);
                Watcher added = watcher(step, key, randomRangeEnd(random));
                if (added.range.isEmpty()) {
                    continue;
                }
                group.add(added);
                oracle.add(added);
            } else {
                Watcher removed = oracle.remove(random.nextInt(oracle.size()));
                group.remove(removed);
            }
            group.checkInvariants();
            assertThat(group.size()).isEqualTo(oracle.size());
            for (String text : KEYS) {
                ByteString key = bytes(text);
                List<Watcher> found = new ArrayList<>();
                group.collect(key, found);
                List<Watcher> expected =
                        oracle.stream().filter(w -> w.range.contains(key)).toList();
                assertThat(found)
                        .as("seed %d step %d key %s", seed, step, text)
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
        }
    }

    @Test
    void rangesFollowEtcdWatchForms() {
        assertThat(WatchedRange.of(bytes(""), ByteString.EMPTY).contains(bytes("\0"))).isTrue();
        assertThat(WatchedRange.of(bytes(""), bytes("\0")).contains(bytes("\u00ff"))).isTrue();
        WatchedRange prefix = WatchedRange.of(bytes("ab"), bytes("ac"));
        assertThat(prefix.contains(bytes("ab\u00ff"))).isTrue();
        assertThat(prefix.contains(bytes("ac"))).isFalse();
        assertThat(WatchedRange.of(bytes("b"), bytes("a")).isEmpty()).isTrue();
        assertThat(WatchedRange.of(bytes("b"), bytes("\0")).isEmpty()).isFalse();
        WatchedRange cover =
                WatchedRange.of(bytes("b"), ByteString.EMPTY)
                        .cover(WatchedRange.of(bytes("a"), bytes("ab")));
        assertThat(cover).isEqualTo(WatchedRange.of(bytes("a"), bytes("b\0")));
        assertThat(cover.cover(WatchedRange.of(bytes("c"), bytes("\0"))).end()).isNull();
    }
}
