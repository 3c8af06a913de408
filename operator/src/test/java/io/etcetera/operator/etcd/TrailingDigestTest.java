package io.etcetera.operator.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Seeded: content + sha256(content) in random chunk sizes matches; a flipped byte fails. */
class TrailingDigestTest {

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void acceptsExactlyTheStreamsThatEndWithTheirContentsDigest(long seed) throws Exception {
        var random = new SplittableRandom(seed);
        byte[] content = new byte[random.nextInt(5000)];
        random.nextBytes(content);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
        byte[] stream = new byte[content.length + digest.length];
        System.arraycopy(content, 0, stream, 0, content.length);
        System.arraycopy(digest, 0, stream, content.length, digest.length);
        boolean corrupt = random.nextBoolean();
        if (corrupt) {
            stream[random.nextInt(stream.length)] ^= (byte) (1 + random.nextInt(255));
        }
        var checker = new TrailingDigest();
        for (int offset = 0; offset < stream.length; ) {
            int length = Math.min(stream.length - offset, random.nextInt(100));
            checker.update(stream, offset, length);
            offset += length;
        }
        assertThat(checker.matches()).as("seed %d", seed).isEqualTo(!corrupt);
        assertThat(checker.totalBytes()).isEqualTo(stream.length);
        assertThat(checker.fileSha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(stream)));
    }
}
