package io.etcetera.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded properties of the version-key encoding against plain sorting of (key, revision): order,
 * round trip, group bounds, and where a seek lands.
 */
class VersionKeyTest {

    /** Bytes that stress the escaping: the escape byte, the terminator, a letter, the top byte. */
    private static final byte[] ALPHABET = {0x00, 0x01, 0x61, (byte) 0xFF};

    private record Version(byte[] key, long main, long sub) {}

    private static final Comparator<Version> KEY_THEN_NEWEST =
            Comparator.comparing(Version::key, Arrays::compareUnsigned)
                    .thenComparing(Comparator.comparingLong(Version::main).reversed())
                    .thenComparing(Comparator.comparingLong(Version::sub).reversed());

    private static List<Version> randomVersions(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Version> versions = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] key = new byte[random.nextInt(5)];
            for (int j = 0; j < key.length; j++) {
                key[j] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            versions.add(new Version(key, random.nextLong(1, 6), random.nextLong(0, 3)));
        }
        return versions;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void encodedOrderIsKeyOrderThenNewestRevisionFirst(long seed) {
        List<Version> versions = randomVersions(seed);
        List<Version> byEncoding = new ArrayList<>(versions);
        byEncoding.sort(
                Comparator.comparing(
                        (Version v) -> VersionKey.encode(v.key(), v.main(), v.sub()),
                        Arrays::compareUnsigned));
        List<Version> expected = new ArrayList<>(versions);
        expected.sort(KEY_THEN_NEWEST);
        for (int i = 0; i < versions.size(); i++) {
            Version want = expected.get(i);
            Version got = byEncoding.get(i);
            assertThat(got.key()).isEqualTo(want.key());
            assertThat(got.main()).isEqualTo(want.main());
            assertThat(got.sub()).isEqualTo(want.sub());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {6, 7, 8})
    void decodingGivesBackKeyAndRevision(long seed) {
        for (Version v : randomVersions(seed)) {
            byte[] encoded = VersionKey.encode(v.key(), v.main(), v.sub());
            assertThat(VersionKey.userKey(encoded)).isEqualTo(v.key());
            assertThat(VersionKey.main(encoded)).isEqualTo(v.main());
            assertThat(VersionKey.sub(encoded)).isEqualTo(v.sub());
            assertThat(VersionKey.inGroup(encoded, VersionKey.group(v.key()))).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {9, 10, 11})
    void groupsBoundTheirVersionsAndOrderAsKeys(long seed) {
        List<Version> versions = randomVersions(seed);
        for (Version x : versions.subList(0, 60)) {
            byte[] group = VersionKey.group(x.key());
            byte[] encoded = VersionKey.encode(x.key(), x.main(), x.sub());
            assertThat(Arrays.compareUnsigned(group, encoded)).isNegative();
            assertThat(Arrays.compareUnsigned(encoded, VersionKey.pastGroup(group))).isNegative();
            for (Version y : versions) {
                byte[] other = VersionKey.encode(y.key(), y.main(), y.sub());
                int keyOrder = Integer.signum(Arrays.compareUnsigned(y.key(), x.key()));
                // A version of y sorts against x's group bounds exactly as y sorts against x.
                assertThat(Integer.signum(VersionKey.compareGroup(other, group)))
                        .isEqualTo(keyOrder);
                assertThat(VersionKey.inGroup(other, group)).isEqualTo(keyOrder == 0);
                if (keyOrder > 0) {
                    assertThat(Arrays.compareUnsigned(VersionKey.pastGroup(group), other))
                            .isNegative();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {12, 13})
    void seekTargetLandsOnNewestVersionAtOrBelow(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Version> versions = randomVersions(seed);
        List<byte[]> sorted =
                versions.stream()
                        .map(v -> VersionKey.encode(v.key(), v.main(), v.sub()))
                        .sorted(Arrays::compareUnsigned)
                        .toList();
        for (int i = 0; i < 200; i++) {
            Version probe = versions.get(random.nextInt(versions.size()));
            long atMain = random.nextLong(0, 7);
            byte[] target =
                    VersionKey.withRevision(VersionKey.group(probe.key()), atMain, Long.MAX_VALUE);
            byte[] landed =
                    sorted.stream()
                            .filter(k -> Arrays.compareUnsigned(k, target) >= 0)
                            .findFirst()
                            .orElse(null);
            Version newest =
                    versions.stream()
                            .filter(v -> Arrays.equals(v.key(), probe.key()) && v.main() <= atMain)
                            .min(KEY_THEN_NEWEST)
                            .orElse(null);
            if (newest == null) {
                assertThat(
                                landed == null
                                        || !VersionKey.inGroup(
                                                landed, VersionKey.group(probe.key())))
                        .isTrue();
            } else {
                assertThat(VersionKey.main(landed)).isEqualTo(newest.main());
                assertThat(VersionKey.sub(landed)).isEqualTo(newest.sub());
            }
        }
    }
}
