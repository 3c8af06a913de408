package io.etcetera.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parsing etcd's command line and environment: defaults, syntax, environment, derived values. */
class EtcdCommandLineTest {

    private static EtcdCommandLine.Start start(
            List<String> arguments, Map<String, String> environment) {
        return (EtcdCommandLine.Start) EtcdCommandLine.parse(arguments, environment);
    }

    private static EtcdConfig config(String... arguments) {
        return EtcdConfig.of(arguments);
    }

    private static ConfigException refusal(
            List<String> arguments, Map<String, String> environment) {
        try {
            EtcdCommandLine.parse(arguments, environment);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("accepted " + arguments + " " + environment);
    }

    @Test
    void defaultsAreEtcd34s() {
        EtcdConfig config = config();
        assertThat(config.name()).isEqualTo("default");
        assertThat(config.dataDir()).isEqualTo(Path.of("default.etcd"));
        assertThat(config.walDir()).isEmpty();
        assertThat(config.listenClientUrls())
                .map(EtcdUrl::toString)
                .containsExactly("http://localhost:2379");
        assertThat(config.advertiseClientUrls())
                .map(EtcdUrl::toString)
                .containsExactly("http://localhost:2379");
        assertThat(config.listenPeerUrls())
                .map(EtcdUrl::toString)
                .containsExactly("http://localhost:2380");
        assertThat(config.initialAdvertisePeerUrls())
                .map(EtcdUrl::toString)
                .containsExactly("http://localhost:2380");
        assertThat(config.listenMetricsUrls()).isEmpty();
        assertThat(config.initialCluster()).hasToString("default=http://localhost:2380");
        assertThat(config.initialClusterState()).isEqualTo(ClusterState.NEW);
        assertThat(config.initialClusterToken()).isEqualTo("etcd-cluster");
        assertThat(config.strictReconfigCheck()).isTrue();
        assertThat(config.raftTiming()).isEqualTo(new RaftTiming(100, 1000, true, false));
        assertThat(config.raftTiming().electionTicks()).isEqualTo(10);
        assertThat(config.storage())
                .isEqualTo(
                        new StorageConfig(
                                100_000,
                                2L * 1024 * 1024 * 1024,
                                5,
                                5,
                                new AutoCompaction(AutoCompaction.Mode.PERIODIC, Duration.ZERO, 0),
                                1000,
                                5000));
        assertThat(config.storage().autoCompaction().enabled()).isFalse();
        assertThat(config.clientLimits())
                .isEqualTo(
                        new ClientLimits(
                                1_572_864,
                                128,
                                4_294_967_295L,
                                Duration.ofSeconds(5),
                                Duration.ofHours(2),
                                Duration.ofSeconds(20)));
        assertThat(config.clientTls().isEmpty()).isTrue();
        assertThat(config.peerTls().isEmpty()).isTrue();
        assertThat(config.auth()).isEqualTo(new AuthConfig("simple", 10, 300));
        assertThat(config.log())
                .isEqualTo(new LogConfig("capnslog", LogConfig.Level.INFO, List.of("default")));
        assertThat(config.watchProgressNotifyInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.leaseCheckpointInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.extensiveMetrics()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--name infra1", "--name=infra1", "-name infra1", "-name=infra1"})
    void everyFlagSpellingOfGoIsAccepted(String commandLine) {
        EtcdConfig config = config(commandLine.split(" "));
        assertThat(config.name()).isEqualTo("infra1");
        assertThat(config.dataDir()).isEqualTo(Path.of("infra1.etcd"));
    }

    @Test
    void booleanFlagsStandAloneOrTakeTheirValueAfterEquals() {
        assertThat(config("--pre-vote").raftTiming().preVote()).isTrue();
        assertThat(config("--pre-vote=true", "--strict-reconfig-check=false").strictReconfigCheck())
                .isFalse();
        ConfigException separateValue = refusal(List.of("--pre-vote", "false"), Map.of());
        assertThat(separateValue.getMessage()).contains("'false' is not a valid flag");
        assertThat(separateValue.exitStatus()).isEqualTo(1);
    }

    @Test
    void aLaterFlagWinsAndNumbersTakeGoSyntax() {
        EtcdConfig config =
                config(
                        "--name",
                        "a",
                        "--name",
                        "b",
                        "--snapshot-count",
                        "0x10",
                        "--max-txn-ops",
                        "1_000",
                        "--quota-backend-bytes",
                        "-1");
        assertThat(config.name()).isEqualTo("b");
        assertThat(config.storage().snapshotCount()).isEqualTo(16);
        assertThat(config.clientLimits().maxTxnOps()).isEqualTo(1000);
        assertThat(config.storage().quotaBackendBytes()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void doubleDashEndsTheFlags() {
        assertThat(refusal(List.of("--", "--name", "x"), Map.of()).getMessage())
                .contains("'--name' is not a valid flag");
    }

    @Test
    void environmentSetsFlagsTheCommandLineLeftUnset() {
        EtcdCommandLine.Start start =
                start(
                        List.of("--snapshot-count", "5"),
                        Map.of(
                                "ETCD_NAME",
                                "infra2",
                                "ETCD_HEARTBEAT_INTERVAL",
                                "200",
                                "ETCD_ELECTION_TIMEOUT",
                                "2000",
                                "ETCD_PRE_VOTE",
                                "true",
                                "ETCD_MAX_WALS",
                                ""));
        EtcdConfig config = start.config();
        assertThat(config.name()).isEqualTo("infra2");
        assertThat(config.raftTiming()).isEqualTo(new RaftTiming(200, 2000, true, true));
        assertThat(config.storage().snapshotCount()).isEqualTo(5);
        assertThat(config.storage().maxWals()).isEqualTo(5);
        assertThat(start.warnings()).isEmpty();
    }

    @Test
    void environmentErrorsAndConflictsAreRefusedInEtcdsWords() {
        ConfigException badValue = refusal(List.of(), Map.of("ETCD_SNAPSHOT_COUNT", "abc"));
        assertThat(badValue.getMessage())
                .isEqualTo(
                        "error verifying flags, invalid value \"abc\" for ETCD_SNAPSHOT_COUNT:"
                                + " parse error. See 'etcetera --help'.");
        assertThat(badValue.exitStatus()).isEqualTo(1);
        ConfigException shadowed = refusal(List.of("--name", "y"), Map.of("ETCD_NAME", "x"));
        assertThat(shadowed.getMessage())
                .isEqualTo(
                        "conflicting environment variable \"ETCD_NAME\" is shadowed by"
                            + " corresponding command-line flag (either unset environment variable"
                            + " or disable flag)");
    }

    @Test
    void unknownEtcdVariablesAndIgnoredFlagsAreWarnings() {
        EtcdCommandLine.Start start =
                start(
                        List.of("--enable-pprof", "-v"),
                        Map.of("ETCD_BOGUS", "1", "ETCDCTL_API", "3", "HOME", "/root"));
        assertThat(start.warnings())
                .containsExactlyInAnyOrder(
                        "unrecognized environment variable ETCD_BOGUS=1",
                        "flag \"-v\" is no longer supported - ignoring.",
                        "--enable-pprof has no effect in etcetera: Go's pprof endpoints (no"
                                + " effect).");
    }

    @Test
    void aNameAloneGivesTheInitialClusterOfThatMemberAtItsPeerUrls() {
        EtcdConfig config =
                config(
                        "--name",
                        "infra0",
                        "--initial-advertise-peer-urls",
                        "http://10.0.1.10:2380,http://10.0.1.11:2380");
        assertThat(config.initialCluster())
                .hasToString("infra0=http://10.0.1.10:2380,infra0=http://10.0.1.11:2380");
        EtcdConfig explicit =
                config(
                        "--name",
                        "infra0",
                        "--initial-cluster",
                        "infra0=http://a:1,infra1=http://b:1");
        assertThat(explicit.initialCluster().peerUrlsByName()).containsOnlyKeys("infra0", "infra1");
    }

    @Test
    void urlListsAreSortedAndFreeOfDuplicates() {
        EtcdConfig config =
                config(
                        "--listen-client-urls",
                        "http://127.0.0.2:2379,http://127.0.0.1:2379," + "http://127.0.0.2:2379",
                        "--advertise-client-urls",
                        "HTTP://[::1]:2379");
        assertThat(config.listenClientUrls())
                .map(EtcdUrl::toString)
                .containsExactly("http://127.0.0.1:2379", "http://127.0.0.2:2379");
        assertThat(config.advertiseClientUrls().get(0))
                .isEqualTo(new EtcdUrl("http", "::1", "2379"));
        assertThat(config.advertiseClientUrls().get(0)).hasToString("http://[::1]:2379");
    }

    @Test
    void listeningOnChosenUrlsRequiresAdvertisingThem() {
        ConfigException refused =
                refusal(List.of("--listen-client-urls", "http://127.0.0.1:2379"), Map.of());
        assertThat(refused.getMessage())
                .startsWith(
                        "error verifying flags, --advertise-client-urls is required when"
                            + " --listen-client-urls is set explicitly. See 'etcetera --help'.\n"
                            + "When listening on specific address(es)");
        assertThat(refused.exitStatus()).isEqualTo(1);
    }

    @Test
    void settingsArriveWithTheirUnits() {
        EtcdConfig config =
                config(
                        "--wal-dir",
                        "/var/wal",
                        "--max-request-bytes",
                        "10485760",
                        "--auto-compaction-mode",
                        "revision",
                        "--auto-compaction-retention",
                        "1000",
                        "--experimental-watch-progress-notify-interval",
                        "1m30s",
                        "--grpc-keepalive-interval",
                        "0",
                        "--initial-cluster-state",
                        "existing",
                        "--metrics",
                        "extensive",
                        "--log-level",
                        "warn",
                        "--logger",
                        "zap",
                        "--log-outputs",
                        "stdout,/var/log/etcd.log",
                        "--listen-metrics-urls",
                        "http://0.0.0.0:2381",
                        "--snapshot-count",
                        "0",
                        "--experimental-lease-checkpoint-interval",
                        "2s");
        assertThat(config.walDir()).contains(Path.of("/var/wal"));
        assertThat(config.clientLimits().maxRequestBytes()).isEqualTo(10_485_760);
        assertThat(config.storage().autoCompaction())
                .isEqualTo(new AutoCompaction(AutoCompaction.Mode.REVISION, Duration.ZERO, 1000));
        assertThat(config.storage().snapshotCount())
                .isEqualTo(StorageConfig.DEFAULT_SNAPSHOT_COUNT);
        assertThat(config.watchProgressNotifyInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.leaseCheckpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.clientLimits().grpcKeepAliveInterval()).isZero();
        assertThat(config.initialClusterState()).isEqualTo(ClusterState.EXISTING);
        assertThat(config.extensiveMetrics()).isTrue();
        assertThat(config.log())
                .isEqualTo(
                        new LogConfig(
                                "zap",
                                LogConfig.Level.WARN,
                                List.of("/var/log/etcd.log", "stdout")));
        assertThat(config.listenMetricsUrls())
                .map(EtcdUrl::toString)
                .containsExactly("http://0.0.0.0:2381");
        assertThat(
                        config("--auto-compaction-retention", "12")
                                .storage()
                                .autoCompaction()
                                .retentionPeriod())
                .isEqualTo(Duration.ofHours(12));
        assertThat(config("--debug").log().level()).isEqualTo(LogConfig.Level.DEBUG);
    }

    @Test
    void tlsFilesAreReadForHttpsUrls() {
        EtcdConfig config =
                config(
                        "--listen-client-urls",
                        "https://127.0.0.1:2379",
                        "--advertise-client-urls",
                        "https://127.0.0.1:2379",
                        "--cert-file",
                        "server.pem",
                        "--key-file",
                        "server-key.pem",
                        "--trusted-ca-file",
                        "ca.pem",
                        "--client-cert-auth");
        assertThat(config.clientTls())
                .isEqualTo(
                        new TlsConfig(
                                Optional.of(Path.of("server.pem")),
                                Optional.of(Path.of("server-key.pem")),
                                Optional.of(Path.of("ca.pem")),
                                true));
        assertThat(config.listenClientUrls().get(0).isTls()).isTrue();
    }

    @Test
    void plainUrlsWithTlsFilesGetEtcdsWarning() {
        EtcdCommandLine.Start start =
                start(List.of("--cert-file", "a.pem", "--key-file", "b.pem"), Map.of());
        assertThat(start.warnings())
                .containsExactly(
                        "The scheme of client url http://localhost:2379 is HTTP while key and cert"
                                + " files are presented. Ignored key/cert files.");
    }

    @Test
    void plainPeerUrlsWithPeerTlsFilesGetEtcdsWarnings() {
        EtcdCommandLine.Start start =
                start(
                        List.of(
                                "--peer-cert-file",
                                "a.pem",
                                "--peer-key-file",
                                "b.pem",
                                "--peer-trusted-ca-file",
                                "ca.pem",
                                "--peer-client-cert-auth"),
                        Map.of());
        assertThat(start.warnings())
                .containsExactly(
                        "The scheme of peer url http://localhost:2380 is HTTP while peer key/cert"
                                + " files are presented. Ignored peer key/cert files.",
                        "The scheme of peer url http://localhost:2380 is HTTP while client cert"
                                + " auth (--peer-client-cert-auth) is enabled. Ignored client cert"
                                + " auth for this url.");
        assertThat(start.config().peerTls().clientCertAuth()).isTrue();
    }

    @Test
    void helpAndVersionPrintAndExit() {
        assertThat(EtcdCommandLine.parse(List.of("--help"), Map.of()))
                .isInstanceOfSatisfying(
                        EtcdCommandLine.ShowText.class,
                        text ->
                                assertThat(text.text())
                                        .contains("--listen-client-urls 'http://localhost:2379'")
                                        .contains("--quota-backend-bytes '0'"));
        assertThat(EtcdCommandLine.parse(List.of("-h"), Map.of()))
                .isInstanceOf(EtcdCommandLine.ShowText.class);
        assertThat(EtcdCommandLine.parse(List.of("--version"), Map.of("ETCD_NAME", "x")))
                .isInstanceOfSatisfying(
                        EtcdCommandLine.ShowText.class,
                        text -> assertThat(text.text()).contains("etcd API Version: 3.4.23"));
    }

    @Test
    void unsupportedFeaturesAreRefusedNotIgnored() {
        assertThat(
                        refusal(List.of("--discovery", "https://discovery.etcd.io/x"), Map.of())
                                .getMessage())
                .startsWith("etcetera does not support --discovery");
        assertThat(refusal(List.of("--proxy", "on"), Map.of()).getMessage())
                .startsWith("etcetera does not support --proxy");
        assertThat(refusal(List.of(), Map.of("ETCD_FORCE_NEW_CLUSTER", "true")).getMessage())
                .startsWith("etcetera does not support --force-new-cluster");
        assertThat(config("--proxy", "off", "--enable-v2=false").name()).isEqualTo("default");
        assertThat(
                        refusal(
                                        List.of(
                                                "--listen-client-urls",
                                                "unix://localhost:2379",
                                                "--advertise-client-urls",
                                                "http://127.0.0.1:2379"),
                                        Map.of())
                                .getMessage())
                .isEqualTo(
                        "etcetera does not serve unix sockets: --listen-client-urls"
                                + " unix://localhost:2379");
    }

    @Test
    void clientCertificateAuthNeedsTheCaThatSignsThem() {
        assertThat(
                        refusal(
                                        List.of(
                                                "--listen-client-urls",
                                                "https://127.0.0.1:2379",
                                                "--advertise-client-urls",
                                                "https://127.0.0.1:2379",
                                                "--cert-file",
                                                "a.pem",
                                                "--key-file",
                                                "b.pem",
                                                "--client-cert-auth"),
                                        Map.of())
                                .getMessage())
                .isEqualTo("--client-cert-auth requires --trusted-ca-file");
    }

    @Test
    void logOutputsFollowTheLoggersRules() {
        assertThat(refusal(List.of("--log-outputs", "stderr,stdout"), Map.of()).getMessage())
                .contains(
                        "--logger=capnslog supports only 1 value in '--log-outputs', got"
                                + " [\"stderr\" \"stdout\"]");
        assertThat(refusal(List.of("--log-outputs", "/tmp/x.log"), Map.of()).getMessage())
                .contains("unknown log-output \"/tmp/x.log\"");
        assertThat(
                        refusal(
                                        List.of(
                                                "--logger",
                                                "zap",
                                                "--log-outputs",
                                                "default,stdout"),
                                        Map.of())
                                .getMessage())
                .contains("multi logoutput for \"default\" is not supported yet");
        assertThat(config("--log-output", "stdout").log().outputs()).containsExactly("stdout");
    }

    @Test
    void revisionRetentionMustBeARevisionCount() {
        assertThat(
                        refusal(
                                        List.of(
                                                "--auto-compaction-mode",
                                                "revision",
                                                "--auto-compaction-retention",
                                                "1h"),
                                        Map.of())
                                .getMessage())
                .contains("revision mode takes a number of revisions, not \"1h\"");
    }
}
