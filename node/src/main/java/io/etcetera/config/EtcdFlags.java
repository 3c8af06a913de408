package io.etcetera.config;

import static io.etcetera.config.Flag.choice;
import static io.etcetera.config.Flag.ignored;
import static io.etcetera.config.Flag.refused;
import static io.etcetera.config.Flag.used;
import static io.etcetera.config.FlagKind.BOOL;
import static io.etcetera.config.FlagKind.DURATION;
import static io.etcetera.config.FlagKind.INT;
import static io.etcetera.config.FlagKind.STRING;
import static io.etcetera.config.FlagKind.STRINGS;
import static io.etcetera.config.FlagKind.UINT;
import static io.etcetera.config.FlagKind.UINT32;
import static io.etcetera.config.FlagKind.URLS;

import io.etcetera.config.Flag.Support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every flag etcd 3.4 accepts ({@code etcdmain/config.go}), with etcd's defaults, so any etcd
 * command line, Helm chart or kubeadm manifest parses. Flags for features Etcetera does not have
 * are listed too: harmless ones are {@link Support#IGNORED} with a warning, ones whose absence
 * would change behaviour a user relies on (discovery, the v2 API, proxies, certificate revocation)
 * are {@link Support#REFUSED} when set. Immutable.
 */
final class EtcdFlags {

    static final String DEFAULT_NAME = "default";
    static final String DEFAULT_INITIAL_CLUSTER = "default=http://localhost:2380";

    /** Flags of etcd 2 that etcd 3.4 still accepts and ignores ({@code flags.IgnoredFlag}). */
    private static final List<String> ETCD2_FLAGS =
            List.of(
                    "cluster-active-size",
                    "cluster-remove-delay",
                    "cluster-sync-interval",
                    "config",
                    "force",
                    "max-result-buffer",
                    "max-retry-attempts",
                    "peer-heartbeat-interval",
                    "peer-election-timeout",
                    "retry-interval",
                    "snapshot",
                    "v",
                    "vv");

    private static final List<Flag> MEMBER =
            List.of(
                    refused(
                            "config-file",
                            STRING,
                            "",
                            "Path to an etcd YAML config file (not supported: pass flags)."),
                    used("name", STRING, DEFAULT_NAME, "Human-readable name of this member."),
                    used("data-dir", STRING, "", "Data directory (default: <name>.etcd)."),
                    used("wal-dir", STRING, "", "Dedicated directory for the write-ahead log."),
                    used(
                            "snapshot-count",
                            UINT,
                            "100000",
                            "Applied entries between two snapshots."),
                    used("heartbeat-interval", UINT, "100", "Heartbeat interval in milliseconds."),
                    used("election-timeout", UINT, "1000", "Election timeout in milliseconds."),
                    used(
                            "initial-election-tick-advance",
                            BOOL,
                            "true",
                            "Fast-forward election ticks at boot for a faster first election."),
                    used(
                            "listen-peer-urls",
                            URLS,
                            "http://localhost:2380",
                            "URLs to listen on for peers."),
                    used(
                            "listen-client-urls",
                            URLS,
                            "http://localhost:2379",
                            "URLs to listen on for clients."),
                    used("max-snapshots", UINT, "5", "Snapshot files to keep (0: all)."),
                    used("max-wals", UINT, "5", "WAL files to keep (0: all)."),
                    used(
                            "quota-backend-bytes",
                            INT,
                            "0",
                            "Backend size that raises the NOSPACE alarm (0: 2 GiB; negative: no"
                                    + " quota)."),
                    ignored(
                            "backend-batch-interval",
                            DURATION,
                            "0s",
                            "bbolt commit interval (no effect)."),
                    ignored("backend-batch-limit", INT, "0", "bbolt commit batch (no effect)."),
                    used("max-txn-ops", UINT, "128", "Most operations in one transaction."),
                    used("max-request-bytes", UINT, "1572864", "Largest client request in bytes."),
                    used(
                            "max-concurrent-streams",
                            UINT32,
                            "4294967295",
                            "Most concurrent gRPC streams per client connection."),
                    used(
                            "grpc-keepalive-min-time",
                            DURATION,
                            "5s",
                            "Shortest ping interval a client may use."),
                    used(
                            "grpc-keepalive-interval",
                            DURATION,
                            "2h",
                            "Server ping interval (0: no pings)."),
                    used(
                            "grpc-keepalive-timeout",
                            DURATION,
                            "20s",
                            "Wait for a ping's answer before closing (0: no wait)."));

    private static final List<Flag> CLUSTERING =
            List.of(
                    used(
                            "initial-advertise-peer-urls",
                            URLS,
                            "http://localhost:2380",
                            "This member's peer URLs, as the cluster should reach them."),
                    used(
                            "advertise-client-urls",
                            URLS,
                            "http://localhost:2379",
                            "This member's client URLs, as clients should reach them."),
                    refused("discovery", STRING, "", "Discovery URL (not supported)."),
                    choice(
                            "discovery-fallback",
                            "proxy",
                            List.of("proxy", "exit"),
                            Support.IGNORED,
                            "What to do when discovery fails (no effect)."),
                    refused(
                            "discovery-proxy",
                            STRING,
                            "",
                            "HTTP proxy for discovery (not supported)."),
                    refused(
                            "discovery-srv",
                            STRING,
                            "",
                            "DNS SRV discovery domain (not supported)."),
                    refused(
                            "discovery-srv-name",
                            STRING,
                            "",
                            "DNS SRV service name (not supported)."),
                    used(
                            "initial-cluster",
                            STRING,
                            DEFAULT_INITIAL_CLUSTER,
                            "Bootstrap members: name=peerURL,..."),
                    used(
                            "initial-cluster-token",
                            STRING,
                            "etcd-cluster",
                            "Token that makes the cluster ID unique."),
                    choice(
                            "initial-cluster-state",
                            "new",
                            List.of("new", "existing"),
                            Support.USED,
                            "'new' to bootstrap a cluster, 'existing' to join one."),
                    used(
                            "strict-reconfig-check",
                            BOOL,
                            "true",
                            "Refuse membership changes that would lose quorum."),
                    refused("enable-v2", BOOL, "false", "Serve the etcd v2 API (not supported)."),
                    used("pre-vote", BOOL, "false", "Run Raft's pre-vote phase before elections."),
                    used(
                            "auto-compaction-retention",
                            STRING,
                            "0",
                            "History to keep: hours or a duration (periodic), or revisions (0: no"
                                    + " auto compaction)."),
                    used("auto-compaction-mode", STRING, "periodic", "periodic or revision."),
                    choice(
                            "proxy",
                            "off",
                            List.of("off", "readonly", "on"),
                            Support.REFUSED,
                            "v2 proxy mode (not supported)."),
                    ignored("proxy-failure-wait", UINT, "5000", "v2 proxy setting (no effect)."),
                    ignored(
                            "proxy-refresh-interval",
                            UINT,
                            "30000",
                            "v2 proxy setting (no effect)."),
                    ignored("proxy-dial-timeout", UINT, "1000", "v2 proxy setting (no effect)."),
                    ignored("proxy-write-timeout", UINT, "5000", "v2 proxy setting (no effect)."),
                    ignored("proxy-read-timeout", UINT, "0", "v2 proxy setting (no effect)."));

    private static final List<Flag> SECURITY =
            List.of(
                    used("cert-file", STRING, "", "Client TLS certificate (PEM)."),
                    used("key-file", STRING, "", "Client TLS private key (PEM)."),
                    used(
                            "client-cert-auth",
                            BOOL,
                            "false",
                            "Require client certificates signed by --trusted-ca-file."),
                    refused(
                            "client-crl-file",
                            STRING,
                            "",
                            "Client certificate revocation list (not supported)."),
                    refused(
                            "client-cert-allowed-hostname",
                            STRING,
                            "",
                            "Allowed client hostname (not supported)."),
                    used(
                            "trusted-ca-file",
                            STRING,
                            "",
                            "CA bundle that signs client certificates."),
                    refused(
                            "auto-tls",
                            BOOL,
                            "false",
                            "Self-signed client certificates (not supported)."),
                    used("peer-cert-file", STRING, "", "Peer TLS certificate (PEM)."),
                    used("peer-key-file", STRING, "", "Peer TLS private key (PEM)."),
                    used("peer-client-cert-auth", BOOL, "false", "Require peer certificates."),
                    used(
                            "peer-trusted-ca-file",
                            STRING,
                            "",
                            "CA bundle that signs peer certificates."),
                    refused(
                            "peer-auto-tls",
                            BOOL,
                            "false",
                            "Self-signed peer certificates (not supported)."),
                    refused(
                            "peer-crl-file",
                            STRING,
                            "",
                            "Peer certificate revocation list (not supported)."),
                    refused(
                            "peer-cert-allowed-cn",
                            STRING,
                            "",
                            "Required peer certificate CN (not supported)."),
                    refused(
                            "peer-cert-allowed-hostname",
                            STRING,
                            "",
                            "Allowed peer hostname (not supported)."),
                    refused(
                            "cipher-suites",
                            STRINGS,
                            "",
                            "TLS cipher suites (not supported: JDK defaults)."),
                    ignored(
                            "experimental-peer-skip-client-san-verification",
                            BOOL,
                            "false",
                            "Skip peer SAN checks (no effect: peer client certificates' SANs are not"
                                    + " checked)."),
                    ignored("cors", STRINGS, "*", "CORS origins of the v2 HTTP API (no effect)."),
                    ignored(
                            "host-whitelist",
                            STRINGS,
                            "*",
                            "Allowed Host headers of the v2 HTTP API (no effect)."));

    private static final List<Flag> OPERATIONS =
            List.of(
                    used("logger", STRING, "capnslog",
                            "capnslog (text lines) or zap (JSON lines)."),
                    used("log-output", STRINGS, "default", "Deprecated spelling of --log-outputs."),
                    used(
                            "log-outputs",
                            STRINGS,
                            "default",
                            "default, stderr, stdout, or a file path."),
                    used("debug", BOOL, "false", "Deprecated: same as --log-level=debug."),
                    used("log-level", STRING, "info", "debug, info, warn, error, panic or fatal."),
                    ignored(
                            "log-package-levels",
                            STRING,
                            "",
                            "Per-package log levels (no effect)."),
                    used("version", BOOL, "false", "Print the version and exit."),
                    ignored("enable-pprof", BOOL, "false", "Go's pprof endpoints (no effect)."),
                    used("metrics", STRING, "basic", "basic, or extensive for histograms."),
                    used(
                            "auth-token",
                            STRING,
                            "simple",
                            "Auth token type and options (simple or jwt,...)."),
                    used("bcrypt-cost", UINT, "10", "bcrypt cost of password hashes."),
                    used(
                            "auth-token-ttl",
                            UINT,
                            "300",
                            "Lifetime of a simple auth token, in seconds."),
                    ignored(
                            "enable-grpc-gateway",
                            BOOL,
                            "true",
                            "JSON gateway to gRPC (not served)."),
                    used(
                            "listen-metrics-urls",
                            URLS,
                            "",
                            "Extra URLs serving /metrics and /health."),
                    ignored(
                            "experimental-initial-corrupt-check",
                            BOOL,
                            "false",
                            "Corruption check at boot (no effect)."),
                    ignored(
                            "experimental-corrupt-check-time",
                            DURATION,
                            "0s",
                            "Periodic corruption check (no effect)."),
                    ignored(
                            "experimental-enable-v2v3",
                            STRING,
                            "",
                            "v2 emulation prefix (no effect)."),
                    ignored(
                            "experimental-backend-bbolt-freelist-type",
                            STRING,
                            "array",
                            "bbolt setting (no effect)."),
                    ignored(
                            "experimental-enable-lease-checkpoint",
                            BOOL,
                            "false",
                            "Lease checkpoints (no effect)."),
                    ignored(
                            "experimental-enable-lease-checkpoint-persist",
                            BOOL,
                            "false",
                            "Persisted lease checkpoints (no effect)."),
                    used(
                            "experimental-snapshot-catchup-entries",
                            UINT,
                            "5000",
                            "Entries kept below a snapshot for slow followers (etcd 3.5)."),
                    used(
                            "experimental-compaction-batch-limit",
                            INT,
                            "1000",
                            "Revisions deleted per compaction batch."),
                    used(
                            "experimental-lease-checkpoint-interval",
                            DURATION,
                            "5m",
                            "Interval of lease remaining-TTL checkpoints (etcd 3.5)."),
                    used(
                            "experimental-watch-progress-notify-interval",
                            DURATION,
                            "10m",
                            "Interval of watch progress notifications."),
                    ignored(
                            "experimental-warning-apply-duration",
                            DURATION,
                            "100ms",
                            "Slow-apply warning (no effect)."),
                    ignored(
                            "unsafe-no-fsync",
                            BOOL,
                            "false",
                            "Skip fsync (no effect: Etcetera always syncs)."),
                    refused(
                            "force-new-cluster",
                            BOOL,
                            "false",
                            "Force a new one-member cluster (not supported)."));

    /** All flags by name, in the order {@code --help} lists them. */
    static final Map<String, Flag> BY_NAME = index();

    private EtcdFlags() {}

    private static Map<String, Flag> index() {
        Map<String, Flag> byName = new LinkedHashMap<>();
        Stream.of(MEMBER, CLUSTERING, SECURITY, OPERATIONS)
                .flatMap(List::stream)
                .forEach(flag -> byName.put(flag.name(), flag));
        ETCD2_FLAGS.forEach(
                name ->
                        byName.put(
                                name,
                                ignored(name, FlagKind.IGNORED, "", "etcd 2 flag (no effect).")));
        return java.util.Collections.unmodifiableMap(byName);
    }

    /** The text of {@code --help}: every flag with its default and what it does here. */
    static String help() {
        StringBuilder text =
                new StringBuilder(
                        "Usage:\n\n"
                            + "  etcetera [flags]\n"
                            + "    Start an Etcetera member; flags and ETCD_* variables are etcd"
                            + " 3.4's.\n\n");
        BY_NAME.values().stream()
                .filter(flag -> flag.kind() != FlagKind.IGNORED)
                .forEach(
                        flag ->
                                text.append("  --")
                                        .append(flag.name())
                                        .append(" '")
                                        .append(flag.defaultText())
                                        .append("'\n    ")
                                        .append(flag.usage())
                                        .append('\n'));
        return text.toString();
    }
}
