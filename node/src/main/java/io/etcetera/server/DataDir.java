package io.etcetera.server;

import io.etcetera.config.EtcdConfig;

import java.nio.file.Path;

/**
 * Where a member keeps its data, laid out as etcd lays out its data dir, so scripts and operators
 * that look for etcd's paths find them:
 *
 * <pre>
 * &lt;data-dir&gt;/member/wal/       the Raft write-ahead log (or --wal-dir)
 * &lt;data-dir&gt;/member/snap/      Raft snapshot files (&lt;term&gt;-&lt;index&gt;.snap)
 * &lt;data-dir&gt;/member/snap/db/   the RocksDB database of the key-value store (a directory;
 *                              etcd's is one bbolt file)
 * </pre>
 *
 * Immutable.
 *
 * @param root the data dir
 * @param wal the WAL directory
 */
public record DataDir(Path root, Path wal) {

    /** The layout for {@code config}'s {@code --data-dir} and {@code --wal-dir}. */
    public static DataDir of(EtcdConfig config) {
        return of(config.dataDir(), config.walDir().orElse(null));
    }

    /** The layout under {@code root}, with the WAL in {@code walDir} when not null. */
    public static DataDir of(Path root, Path walDir) {
        return new DataDir(root, walDir != null ? walDir : root.resolve("member").resolve("wal"));
    }

    public Path member() {
        return root.resolve("member");
    }

    public Path snap() {
        return member().resolve("snap");
    }

    public Path db() {
        return snap().resolve("db");
    }
}
