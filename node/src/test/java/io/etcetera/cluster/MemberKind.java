package io.etcetera.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Which server the fault tests run: Etcetera's packaged jar, or real etcd 3.4 (Debian's
 * {@code etcd}) to prove the harness against a store known to be correct. Chosen with
 * {@code -Dcluster.member=etcetera|etcd}.
 */
enum MemberKind {
    ETCETERA,
    ETCD;

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    /** The kind {@code -Dcluster.member} names, Etcetera by default. */
    static MemberKind fromProperty() {
        return valueOf(System.getProperty("cluster.member", "etcetera").toUpperCase(Locale.ROOT));
    }

    /**
     * The snapshot flags of every member. Etcetera snapshots every 500 entries and keeps 100 for
     * slow followers, so that a member down for a few seconds under load finds the leader's log
     * compacted past it and must catch up from a snapshot; etcd 3.4 keeps a fixed 5000.
     */
    List<String> snapshotFlags() {
        return switch (this) {
            case ETCD -> List.of("--snapshot-count", "2000");
            case ETCETERA -> List.of("--snapshot-count", "500",
                    "--experimental-snapshot-catchup-entries", "100");
        };
    }

    /**
     * Entries the leader must apply after a member went down before its log is surely compacted
     * past the member's index: a snapshot interval (the last one may have been just before) plus
     * the catch-up entries kept below each snapshot.
     */
    int compactionEntries() {
        return switch (this) {
            case ETCD -> 2000 + 5000;
            case ETCETERA -> 500 + 100;
        };
    }

    /**
     * Whether a member down past {@link #compactionEntries} must come back through a snapshot.
     * Not on etcd 3.4: its leader skips log compaction while a snapshot it sent is still counted
     * in flight ("skip compaction since there is an inflight snapshot", seen here right after a
     * first catch-up), so the member may catch up from the log.
     */
    boolean snapshotCatchUpAssured() {
        return this == ETCETERA;
    }

    /** What a member logs when it installed a snapshot received from the leader. */
    String snapshotInstalledLog() {
        return switch (this) {
            case ETCD -> "applied incoming"; // capnslog's "raft applied incoming snapshot", zap's
                                             // "applied incoming Raft snapshot"
            case ETCETERA -> "installed the leader's snapshot at index";
        };
    }

    /** The command that starts one member, before etcd's flags. */
    List<String> command() {
        return switch (this) {
            case ETCD -> List.of("etcd");
            case ETCETERA -> List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx384m", "-XX:+UseSerialGC", "-jar", JAR.toString());
        };
    }
}
