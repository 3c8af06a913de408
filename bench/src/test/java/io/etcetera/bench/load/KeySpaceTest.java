package io.etcetera.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySpaceTest {
    @Test
    void keysAreGoPutVarintOfTheIndexZeroPadded() {
        KeySpace space = new KeySpace("", 8, 1_000_000, true);

        assertThat(space.keyAt(0)).isEqualTo(ByteStrings.of(0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(space.keyAt(1)).isEqualTo(ByteStrings.of(2, 0, 0, 0, 0, 0, 0, 0));
        assertThat(space.keyAt(63)).isEqualTo(ByteStrings.of(0x7e, 0, 0, 0, 0, 0, 0, 0));
        assertThat(space.keyAt(64)).isEqualTo(ByteStrings.of(0x80, 0x01, 0, 0, 0, 0, 0, 0));
        assertThat(space.keyAt(999_999)).isEqualTo(ByteStrings.of(0xfe, 0x88, 0x7a, 0, 0, 0, 0, 0));
    }

    @Test
    void prefixComesFirst() {
        KeySpace space = new KeySpace("ab", 2, 10, true);

        assertThat(space.keyAt(3)).isEqualTo(ByteStrings.of('a', 'b', 6, 0));
    }

    @Test
    void sequentialKeysWrapAroundTheKeySpace() {
        KeySpace space = new KeySpace("", 8, 3, true);

        assertThat(space.key(0)).isEqualTo(space.keyAt(0));
        assertThat(space.key(4)).isEqualTo(space.keyAt(1));
        assertThat(space.key(8)).isEqualTo(space.keyAt(2));
    }

    @Test
    void randomKeysStayInTheKeySpaceAndCoverIt() {
        KeySpace space = new KeySpace("", 8, 5, false);
        Set<ByteString> allowed = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            allowed.add(space.keyAt(i));
        }
        Set<ByteString> seen = new HashSet<>();

        for (int i = 0; i < 1000; i++) {
            seen.add(space.key(i));
        }

        assertThat(seen).isEqualTo(allowed);
    }

    @Test
    void keySizeTooSmallForTheKeySpaceIsRefused() {
        assertThatThrownBy(() -> new KeySpace("", 1, 65, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--key-size 1 is too small for --key-space-size 65");
        assertThat(new KeySpace("", 1, 64, true).keyAt(63)).isEqualTo(ByteStrings.of(0x7e));
    }

    @Test
    void emptyKeySpaceIsRefused() {
        assertThatThrownBy(() -> new KeySpace("", 8, 0, true))
                .hasMessageContaining("expected positive --key-space-size");
    }
}
