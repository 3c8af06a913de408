package io.etcetera.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration of one member, read from etcd 3.4's flags and {@code ETCD_*} variables with
 * etcd's defaults (see {@link EtcdCommandLine}).
 *
 * <p>Invariants: it passed etcd's checks ({@code embed.Config.Validate} and those of {@code
 * embed.StartEtcd}): URL lists are sorted and free of duplicates; listen URLs bind an IP literal or
 * {@code localhost}; advertised URLs have a host; every {@code https} URL has a certificate and
 * key; the Raft timing is sane ({@link RaftTiming}). Immutable.
 *
 * @param name {@code --name}
 * @param dataDir {@code --data-dir}, {@code <name>.etcd} by default
 * @param walDir {@code --wal-dir}: a dedicated WAL directory, if any
 * @param listenClientUrls {@code --listen-client-urls}
 * @param advertiseClientUrls {@code --advertise-client-urls}
 * @param listenPeerUrls {@code --listen-peer-urls}
 * @param initialAdvertisePeerUrls {@code --initial-advertise-peer-urls}
 * @param listenMetricsUrls {@code --listen-metrics-urls}: extra URLs for /metrics and /health
 * @param initialCluster {@code --initial-cluster}, or this member alone when only {@code --name} is
 *     given
 * @param initialClusterState {@code --initial-cluster-state}
 * @param initialClusterToken {@code --initial-cluster-token}
 * @param strictReconfigCheck {@code --strict-reconfig-check}
 * @param raftTiming heartbeat, election timeout, pre-vote
 * @param storage snapshots, quota, retention, compaction
 * @param clientLimits request size, transaction size, streams, keepalive
 * @param clientTls TLS for {@code https} client URLs
 * @param peerTls TLS for {@code https} peer URLs
 * @param auth the auth store's flags
 * @param log logger, level, outputs
 * @param watchProgressNotifyInterval {@code --experimental-watch-progress-notify-interval}
 * @param leaseCheckpointInterval {@code --experimental-lease-checkpoint-interval}: how often the
 *     leader records each long lease's remaining TTL through Raft
 * @param extensiveMetrics {@code --metrics=extensive}: also export histograms
 */
public record EtcdConfig(
        String name,
        Path dataDir,
        Optional<Path> walDir,
        List<EtcdUrl> listenClientUrls,
        List<EtcdUrl> advertiseClientUrls,
        List<EtcdUrl> listenPeerUrls,
        List<EtcdUrl> initialAdvertisePeerUrls,
        List<EtcdUrl> listenMetricsUrls,
        InitialCluster initialCluster,
        ClusterState initialClusterState,
        String initialClusterToken,
        boolean strictReconfigCheck,
        RaftTiming raftTiming,
        StorageConfig storage,
        ClientLimits clientLimits,
        TlsConfig clientTls,
        TlsConfig peerTls,
        AuthConfig auth,
        LogConfig log,
        Duration watchProgressNotifyInterval,
        Duration leaseCheckpointInterval,
        boolean extensiveMetrics) {

    public EtcdConfig {
        listenClientUrls = List.copyOf(listenClientUrls);
        advertiseClientUrls = List.copyOf(advertiseClientUrls);
        listenPeerUrls = List.copyOf(listenPeerUrls);
        initialAdvertisePeerUrls = List.copyOf(initialAdvertisePeerUrls);
        listenMetricsUrls = List.copyOf(listenMetricsUrls);
    }

    /**
     * Reads a config from etcd command-line arguments alone, ignoring the environment: for tests
     * and tools. Throws {@link ConfigException} as etcd would refuse them.
     */
    public static EtcdConfig of(String... arguments) {
        EtcdCommandLine.Launch launch = EtcdCommandLine.parse(List.of(arguments), Map.of());
        if (launch instanceof EtcdCommandLine.Start start) {
            return start.config();
        }
        throw new IllegalArgumentException(
                "arguments ask for help or the version, not a member: " + List.of(arguments));
    }

    /**
     * The checks etcd makes before bootstrapping a member whose data dir is empty; see {@link
     * InitialCluster#verifyBootstrap}. Throws {@link ConfigException}.
     */
    public void verifyBootstrap() {
        initialCluster.verifyBootstrap(name, initialAdvertisePeerUrls, initialClusterState);
    }
}
