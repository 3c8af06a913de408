package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcetera.bench.load.KeySpace;
import java.util.SplittableRandom;
import picocli.CommandLine.Option;

/**
 * The keys and values a write command sends, with etcd's flags and defaults: {@code --key-size}
 * bytes per key, {@code --val-size} bytes per value, {@code --key-space-size} distinct keys.
 * Filled by picocli; read on the main thread.
 */
final class KeyOptions {
    /** Values are random so that no store gains by compressing them; the seed keeps runs alike. */
    private static final long VALUE_SEED = 0x5EED;

    @Option(names = "--key-size", defaultValue = "8", description = "Key size of requests")
    int keyBytes;

    @Option(names = "--val-size", defaultValue = "8", description = "Value size of requests")
    int valueBytes;

    @Option(names = "--key-space-size", defaultValue = "1", description = "Maximum possible keys")
    long keyCount;

    /** The key space these options describe. */
    KeySpace keySpace(String prefix, boolean sequential) {
        return new KeySpace(prefix, keyBytes, keyCount, sequential);
    }

    /** One value of {@code --val-size} random bytes, sent with every write. */
    ByteString randomValue() {
        byte[] value = new byte[valueBytes];
        new SplittableRandom(VALUE_SEED).nextBytes(value);
        return ByteString.copyFrom(value);
    }
}
