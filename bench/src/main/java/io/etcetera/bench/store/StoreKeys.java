package io.etcetera.bench.store;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.PutRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Keys and values for the store benchmarks: Kubernetes-like keys ({@code
 * /registry/pods/ns-N/pod-M}) and random (incompressible) values, so sizes on disk are honest.
 */
final class StoreKeys {

    /** Keys per namespace, so a prefix range over one namespace returns this many pairs. */
    static final int KEYS_PER_NAMESPACE = 100;

    private StoreKeys() {}

    static ByteString key(long n) {
        return ByteString.copyFrom(
                String.format("/registry/pods/ns-%06d/pod-%08d", n / KEYS_PER_NAMESPACE, n),
                StandardCharsets.UTF_8);
    }

    /** The prefix of namespace {@code namespace}, and its range end. */
    static ByteString namespacePrefix(long namespace) {
        return ByteString.copyFrom(
                String.format("/registry/pods/ns-%06d/", namespace), StandardCharsets.UTF_8);
    }

    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }

    static PutRequest put(long n, SplittableRandom random, int valueBytes) {
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        return PutRequest.newBuilder().setKey(key(n)).setValue(ByteString.copyFrom(value)).build();
    }

    static Path temporaryDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(StoreKeys::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long directoryBytes(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile).mapToLong(StoreKeys::sizeOf).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
