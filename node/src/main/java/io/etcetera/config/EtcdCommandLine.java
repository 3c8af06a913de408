package io.etcetera.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns an etcd 3.4 command line and environment into an {@link EtcdConfig}, or refuses them as
 * etcd would, in etcd's words.
 *
 * <p>The steps follow etcd's {@code etcdmain} and {@code embed}: Go's flag parsing (exit status 2
 * on error), then {@code ETCD_*} variables for unset flags, then the derived defaults (no default
 * advertise URL once {@code --listen-client-urls} is given; an initial cluster of this member alone
 * when only {@code --name} is given; data dir {@code <name>.etcd}), then {@code Config.Validate}
 * and the checks {@code StartEtcd} makes before it binds anything (exit status 1). Stateless.
 */
public final class EtcdCommandLine {

    /** etcd's {@code maxElectionMs}. */
    private static final long ELECTION_TIMEOUT_MILLIS_MAX = 50_000;

    private static final List<String> LOG_LEVELS =
            List.of("debug", "info", "warn", "error", "panic", "fatal");

    private EtcdCommandLine() {}

    /** What the process should do. */
    public sealed interface Launch permits Start, ShowText {}

    /** Start a member with {@code config}, after printing {@code warnings}. */
    public record Start(EtcdConfig config, List<String> warnings) implements Launch {
        public Start {
            warnings = List.copyOf(warnings);
        }
    }

    /** Print {@code text} ({@code --help}, {@code --version}) and exit with status 0. */
    public record ShowText(String text) implements Launch {}

    /** Parses the process's arguments and environment; throws {@link ConfigException}. */
    public static Launch parse(List<String> arguments, Map<String, String> environment) {
        FlagValues values = FlagParser.parse(arguments, environment);
        if (values == null) {
            return new ShowText(EtcdFlags.help());
        }
        if (values.bool("version")) {
            return new ShowText(Versions.text());
        }
        List<String> warnings = new ArrayList<>(values.warnings());
        refuseUnsupported(values);
        warnIgnored(values, warnings);
        EtcdConfig config = build(values, warnings);
        return new Start(config, warnings);
    }

    /** etcd's wording for a failed {@code Config.Validate}. */
    static String verifyingFlags(String message) {
        return "error verifying flags, " + message + ". See 'etcetera --help'.";
    }

    private static ConfigException invalidFlags(String message) {
        return ConfigException.invalid(verifyingFlags(message));
    }

    private static void refuseUnsupported(FlagValues values) {
        for (Flag flag : EtcdFlags.BY_NAME.values()) {
            if (flag.support() == Flag.Support.REFUSED
                    && values.isSet(flag.name())
                    && !values.valuesByName().get(flag.name()).equals(flag.defaultValue())) {
                throw ConfigException.invalid(
                        String.format(
                                "etcetera does not support --%s (%s)", flag.name(), flag.usage()));
            }
        }
    }

    private static void warnIgnored(FlagValues values, List<String> warnings) {
        for (Flag flag : EtcdFlags.BY_NAME.values()) {
            if (flag.support() == Flag.Support.IGNORED
                    && flag.kind() != FlagKind.IGNORED
                    && values.isSet(flag.name())) {
                warnings.add(
                        String.format(
                                "--%s has no effect in etcetera: %s", flag.name(), flag.usage()));
            }
        }
    }

    private static EtcdConfig build(FlagValues values, List<String> warnings) {
        String name = values.string("name");
        List<EtcdUrl> listenClientUrls = values.urls("listen-client-urls");
        List<EtcdUrl> advertiseClientUrls =
                values.isSet("listen-client-urls") && !values.isSet("advertise-client-urls")
                        ? List.of()
                        : values.urls("advertise-client-urls");
        List<EtcdUrl> listenPeerUrls = values.urls("listen-peer-urls");
        List<EtcdUrl> advertisePeerUrls = values.urls("initial-advertise-peer-urls");
        List<EtcdUrl> listenMetricsUrls = values.urls("listen-metrics-urls");

        LogConfig log = logConfig(values);
        checkBindUrls(listenPeerUrls);
        checkBindUrls(listenClientUrls);
        checkBindUrls(listenMetricsUrls);
        checkHostUrls("--initial-advertise-peer-urls", advertisePeerUrls);
        checkHostUrls("--advertise-client-urls", advertiseClientUrls);
        RaftTiming raftTiming = raftTiming(values);
        if (!listenClientUrls.isEmpty() && advertiseClientUrls.isEmpty()) {
            throw ConfigException.invalid(
                    verifyingFlags(
                                    "--advertise-client-urls is required when "
                                            + "--listen-client-urls is set explicitly")
                            + "\n"
                            + "When listening on specific address(es), this etcd process must"
                            + " advertise accessible url(s) to each connected client.");
        }
        AutoCompaction.Mode compactionMode = compactionMode(values.string("auto-compaction-mode"));
        refuseUnixSockets("--listen-client-urls", listenClientUrls);
        refuseUnixSockets("--listen-peer-urls", listenPeerUrls);
        refuseUnixSockets("--listen-metrics-urls", listenMetricsUrls);

        InitialCluster initialCluster = initialCluster(values, name, advertisePeerUrls);
        String dataDir = values.string("data-dir");
        String walDir = values.string("wal-dir");
        StorageConfig storage = storage(values, compactionMode);
        TlsConfig clientTls = tls(values, "");
        TlsConfig peerTls = tls(values, "peer-");
        checkTls(clientTls, peerTls, listenClientUrls, listenMetricsUrls, listenPeerUrls, warnings);
        return new EtcdConfig(
                name,
                Path.of(dataDir.isEmpty() ? name + ".etcd" : dataDir),
                walDir.isEmpty() ? Optional.empty() : Optional.of(Path.of(walDir)),
                listenClientUrls,
                advertiseClientUrls,
                listenPeerUrls,
                advertisePeerUrls,
                listenMetricsUrls,
                initialCluster,
                ClusterState.ofFlag(values.string("initial-cluster-state")),
                values.string("initial-cluster-token"),
                values.bool("strict-reconfig-check"),
                raftTiming,
                storage,
                clientLimits(values),
                clientTls,
                peerTls,
                new AuthConfig(
                        values.string("auth-token"),
                        values.number("bcrypt-cost"),
                        values.number("auth-token-ttl")),
                log,
                values.duration("experimental-watch-progress-notify-interval"),
                values.duration("experimental-lease-checkpoint-interval"),
                values.string("metrics").equals("extensive"));
    }

    /** etcd's {@code checkBindURLs}: a listener binds an IP literal or {@code localhost}. */
    private static void checkBindUrls(List<EtcdUrl> urls) {
        for (EtcdUrl url : urls) {
            if (url.isUnixSocket() || url.host().equals("localhost")) {
                continue;
            }
            if (!isIpLiteral(url.host())) {
                throw invalidFlags("expected IP in URL for binding (" + url + ")");
            }
        }
    }

    private static boolean isIpLiteral(String host) {
        if (host.isEmpty()
                || !host.chars()
                        .allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return false;
        }
        try {
            InetAddress.getByName(host); // a literal of these characters never touches DNS
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** etcd's {@code checkHostURLs}: an advertised URL names a host. */
    private static void checkHostUrls(String flag, List<EtcdUrl> urls) {
        for (EtcdUrl url : urls) {
            if (url.host().isEmpty()) {
                String all = urls.stream().map(EtcdUrl::toString).collect(Collectors.joining(","));
                throw invalidFlags(
                        String.format(
                                "%s \"%s\" must be \"host:port\" (unexpected empty host (%s))",
                                flag, all, url));
            }
        }
    }

    private static RaftTiming raftTiming(FlagValues values) {
        long tickMillis = values.number("heartbeat-interval");
        long electionMillis = values.number("election-timeout");
        if (tickMillis <= 0) {
            throw invalidFlags("--heartbeat-interval must be >0 (set to " + tickMillis + "ms)");
        }
        if (electionMillis <= 0) {
            throw invalidFlags("--election-timeout must be >0 (set to " + electionMillis + "ms)");
        }
        if (5 * tickMillis > electionMillis) {
            throw invalidFlags(
                    String.format(
                            "--election-timeout[%dms] should be at least as 5 times as "
                                    + "--heartbeat-interval[%dms]",
                            electionMillis, tickMillis));
        }
        if (electionMillis > ELECTION_TIMEOUT_MILLIS_MAX) {
            throw invalidFlags(
                    String.format(
                            "--election-timeout[%dms] is too long, and should be set "
                                    + "less than %dms",
                            electionMillis, ELECTION_TIMEOUT_MILLIS_MAX));
        }
        return new RaftTiming(
                tickMillis,
                electionMillis,
                values.bool("initial-election-tick-advance"),
                values.bool("pre-vote"));
    }

    private static AutoCompaction.Mode compactionMode(String mode) {
        return switch (mode) {
            case "periodic" -> AutoCompaction.Mode.PERIODIC;
            case "revision" -> AutoCompaction.Mode.REVISION;
            default -> throw invalidFlags("unknown auto-compaction-mode \"" + mode + "\"");
        };
    }

    private static void refuseUnixSockets(String flag, List<EtcdUrl> urls) {
        for (EtcdUrl url : urls) {
            if (url.isUnixSocket()) {
                throw ConfigException.invalid(
                        "etcetera does not serve unix sockets: " + flag + " " + url);
            }
        }
    }

    /**
     * The initial cluster: as given, or, when only {@code --name} changed it, this member alone at
     * its advertised peer URLs (etcd's {@code UpdateDefaultClusterFromName}).
     */
    private static InitialCluster initialCluster(
            FlagValues values, String name, List<EtcdUrl> advertisePeerUrls) {
        String written = values.string("initial-cluster");
        if (!name.equals(EtcdFlags.DEFAULT_NAME)
                && written.equals(EtcdFlags.DEFAULT_INITIAL_CLUSTER)) {
            return InitialCluster.ofMember(
                    name.isEmpty() ? EtcdFlags.DEFAULT_NAME : name, advertisePeerUrls);
        }
        try {
            return InitialCluster.parse(written);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("error setting up initial cluster: " + e.getMessage());
        }
    }

    private static StorageConfig storage(FlagValues values, AutoCompaction.Mode compactionMode) {
        long snapshotCount = values.number("snapshot-count");
        long quotaBytes = values.number("quota-backend-bytes");
        return new StorageConfig(
                snapshotCount == 0 ? StorageConfig.DEFAULT_SNAPSHOT_COUNT : snapshotCount,
                quotaBytes == 0
                        ? StorageConfig.DEFAULT_QUOTA_BACKEND_BYTES
                        : quotaBytes < 0 ? Long.MAX_VALUE : quotaBytes,
                values.number("max-snapshots"),
                values.number("max-wals"),
                AutoCompaction.parse(compactionMode, values.string("auto-compaction-retention")),
                values.number("experimental-compaction-batch-limit"),
                Math.max(1, values.number("experimental-snapshot-catchup-entries")));
    }

    private static ClientLimits clientLimits(FlagValues values) {
        return new ClientLimits(
                values.number("max-request-bytes"),
                values.number("max-txn-ops"),
                values.number("max-concurrent-streams"),
                values.duration("grpc-keepalive-min-time"),
                values.duration("grpc-keepalive-interval"),
                values.duration("grpc-keepalive-timeout"));
    }

    private static TlsConfig tls(FlagValues values, String prefix) {
        return new TlsConfig(
                path(values, prefix + "cert-file"),
                path(values, prefix + "key-file"),
                path(values, prefix + "trusted-ca-file"),
                values.bool(prefix + "client-cert-auth"));
    }

    private static Optional<Path> path(FlagValues values, String flag) {
        String written = values.string(flag);
        return written.isEmpty() ? Optional.empty() : Optional.of(Path.of(written));
    }

    /** The TLS checks of etcd's {@code configureClientListeners} and {@code TLSInfo.baseConfig}. */
    private static void checkTls(
            TlsConfig clientTls,
            TlsConfig peerTls,
            List<EtcdUrl> clientUrls,
            List<EtcdUrl> metricsUrls,
            List<EtcdUrl> peerUrls,
            List<String> warnings) {
        for (EtcdUrl url : clientUrls) {
            if (url.isTls() && clientTls.isEmpty()) {
                throw ConfigException.invalid(
                        "TLS key/cert (--cert-file, --key-file) must be provided "
                                + "for client url "
                                + url
                                + " with HTTPS scheme");
            }
            if (!url.isTls() && !clientTls.isEmpty()) {
                warnings.add(
                        "The scheme of client url "
                                + url
                                + " is HTTP while key and cert files are "
                                + "presented. Ignored key/cert files.");
            }
        }
        checkTlsFiles(
                clientTls, clientUrls, metricsUrls, "--client-cert-auth", "--trusted-ca-file");
        checkPeerTls(peerTls, peerUrls, warnings);
    }

    /**
     * etcd's {@code configurePeerListeners} and its peer transport: an {@code https} listener
     * without certificate and key fails to bind, and peer TLS files given are checked whatever
     * the listeners' scheme, since calls to {@code https} peers use them.
     */
    private static void checkPeerTls(TlsConfig tls, List<EtcdUrl> urls, List<String> warnings) {
        for (EtcdUrl url : urls) {
            if (url.isTls() && tls.isEmpty()) {
                throw ConfigException.invalid("cannot listen on TLS for " + url.hostPort()
                        + ": KeyFile and CertFile are not presented");
            }
            if (!url.isTls() && !tls.isEmpty()) {
                warnings.add("The scheme of peer url " + url + " is HTTP while peer key/cert"
                        + " files are presented. Ignored peer key/cert files.");
            }
            if (!url.isTls() && tls.clientCertAuth()) {
                warnings.add("The scheme of peer url " + url + " is HTTP while client cert auth"
                        + " (--peer-client-cert-auth) is enabled. Ignored client cert auth for"
                        + " this url.");
            }
        }
        if (!tls.isEmpty()) {
            checkKeyAndCert(tls);
        }
        if (urls.stream().anyMatch(EtcdUrl::isTls)) {
            checkCertAuthHasCa(tls, "--peer-client-cert-auth", "--peer-trusted-ca-file");
        }
    }

    private static void checkTlsFiles(
            TlsConfig tls,
            List<EtcdUrl> urls,
            List<EtcdUrl> moreUrls,
            String certAuthFlag,
            String caFlag) {
        boolean anyTls =
                urls.stream().anyMatch(EtcdUrl::isTls)
                        || moreUrls.stream().anyMatch(EtcdUrl::isTls);
        if (anyTls) {
            checkKeyAndCert(tls);
            checkCertAuthHasCa(tls, certAuthFlag, caFlag);
        }
    }

    private static void checkKeyAndCert(TlsConfig tls) {
        if (tls.certFile().isEmpty() || tls.keyFile().isEmpty()) {
            throw ConfigException.invalid(
                    String.format(
                            "KeyFile and CertFile must both be present[key: %s, " + "cert: %s]",
                            tls.keyFile().map(Path::toString).orElse(""),
                            tls.certFile().map(Path::toString).orElse("")));
        }
    }

    private static void checkCertAuthHasCa(TlsConfig tls, String certAuthFlag, String caFlag) {
        if (tls.clientCertAuth() && tls.trustedCaFile().isEmpty()) {
            // NB: etcd starts, then refuses every client certificate; without a CA file the JDK
            // would trust its public CAs instead, so this is refused here.
            throw ConfigException.invalid(certAuthFlag + " requires " + caFlag);
        }
    }

    private static LogConfig logConfig(FlagValues values) {
        String logger = values.string("logger");
        if (!logger.equals("capnslog") && !logger.equals("zap")) {
            throw invalidFlags("unknown logger option \"" + logger + "\"");
        }
        List<String> outputs =
                values.isSet("log-output") && !values.isSet("log-outputs")
                        ? values.strings("log-output")
                        : values.strings("log-outputs");
        if (values.isSet("log-output")
                && values.isSet("log-outputs")
                && !values.strings("log-output").equals(values.strings("log-outputs"))) {
            throw invalidFlags(
                    String.format(
                            "'--log-output=%s' and '--log-outputs=%s' are incompatible; "
                                    + "only set --log-outputs",
                            goQuoted(values.strings("log-output")),
                            goQuoted(values.strings("log-outputs"))));
        }
        checkLogOutputs(logger, outputs);
        String level = values.bool("debug") ? "debug" : values.string("log-level");
        if (!LOG_LEVELS.contains(level)) {
            throw invalidFlags(
                    "unknown level \""
                            + level
                            + "\" (only supports debug, info, warn, error, "
                            + "panic, or fatal)");
        }
        return new LogConfig(
                logger, LogConfig.Level.valueOf(level.toUpperCase(Locale.ROOT)), outputs);
    }

    private static void checkLogOutputs(String logger, List<String> outputs) {
        boolean standard =
                outputs.stream()
                        .allMatch(
                                o ->
                                        o.equals("default")
                                                || o.equals("stderr")
                                                || o.equals("stdout"));
        if (logger.equals("capnslog")) {
            if (outputs.size() != 1) {
                throw invalidFlags(
                        "--logger=capnslog supports only 1 value in '--log-outputs', got "
                                + goQuoted(outputs));
            }
            if (!standard) {
                throw invalidFlags(
                        String.format(
                                "unknown log-output \"%s\" (only supports \"default\", "
                                        + "\"stderr\", \"stdout\")",
                                outputs.get(0)));
            }
        } else if (outputs.size() > 1 && outputs.contains("default")) {
            throw invalidFlags("multi logoutput for \"default\" is not supported yet");
        }
    }

    private static String goQuoted(List<String> words) {
        return words.stream().map(w -> "\"" + w + "\"").collect(Collectors.joining(" ", "[", "]"));
    }
}
