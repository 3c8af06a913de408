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

    /** The command that starts one member, before etcd's flags. */
    List<String> command() {
        return switch (this) {
            case ETCD -> List.of("etcd");
            case ETCETERA -> List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx384m", "-XX:+UseSerialGC", "-jar", JAR.toString());
        };
    }
}
