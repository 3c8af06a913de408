package io.etcetera.server;

import io.etcetera.config.ClusterState;
import io.etcetera.config.EtcdConfig;
import io.etcetera.config.EtcdUrl;
import io.etcetera.raft.MemoryStorage;
import io.etcetera.raft.Peer;
import io.etcetera.raft.RaftConfig;
import io.etcetera.raft.RawNode;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import io.etcetera.server.pb.MemberRecord;
import io.etcetera.server.pb.MembersReply;
import io.etcetera.transport.PeerTls;
import io.etcetera.wal.RecoveredWal;
import io.etcetera.wal.Snapshotter;
import io.etcetera.wal.Wal;
import io.etcetera.wal.WalConfig;
import io.etcetera.wal.pb.Metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;

/**
 * Opens a member's Raft state: bootstraps a new member from its flags, or restarts one from its
 * WAL and snapshot files, following the WAL's restart steps (newest snapshot with a committed
 * marker, the WAL read from that marker, the in-memory log rebuilt). Restart ignores the initial
 * cluster flags and uses the member and cluster IDs stored in the WAL, as etcd does.
 *
 * <p>Stateless; called once by the thread that starts the member.
 */
final class RaftStorage {

    /** etcd's {@code maxInflightMsgs}: appends in flight to one follower. */
    static final int INFLIGHT_COUNT_MAX = 4096 / 8;

    private RaftStorage() {}

    /** Whether {@code dataDir} holds a member to restart. */
    static boolean exists(DataDir dataDir) throws IOException {
        return Wal.exists(dataDir.wal());
    }

    /**
     * Bootstraps a new member of the cluster {@code --initial-cluster} lists: computes every
     * member's ID as etcd does, writes the WAL with this member's and the cluster's IDs, and
     * starts the node with one ConfChange entry per member.
     */
    static RaftParts bootstrap(EtcdConfig config, DataDir dataDir, ServerSettings settings,
            Executor preallocate, PeerTls tls) throws IOException {
        config.verifyBootstrap();
        if (config.initialClusterState() == ClusterState.EXISTING) {
            return join(config, dataDir, settings, preallocate, tls);
        }
        List<MemberRecord> members = initialMembers(config.initialCluster().peerUrlsByName(),
                config.initialClusterToken());
        long memberId = members.stream().filter(m -> m.getName().equals(config.name()))
                .findFirst().orElseThrow().getId();
        long clusterId = MemberIds.clusterId(members.stream().map(MemberRecord::getId).toList());
        Files.createDirectories(dataDir.member());
        Wal wal = Wal.create(dataDir.wal(), Metadata.newBuilder().setMemberId(memberId)
                .setClusterId(clusterId).build(), walConfig(settings, preallocate));
        try {
            Snapshotter snapshotter = Snapshotter.open(dataDir.snap(), settings.maxSnapshots());
            MemoryStorage storage = new MemoryStorage();
            RawNode node = new RawNode(raftConfig(memberId, storage, settings, 0));
            List<Peer> peers = new ArrayList<>();
            ConfState.Builder confState = ConfState.newBuilder();
            for (MemberRecord member : members) {
                peers.add(new Peer(member.getId(), member.toByteString()));
                confState.addVoters(member.getId());
            }
            node.bootstrap(peers);
            return new RaftParts(memberId, clusterId, node, storage, wal, snapshotter,
                    confState.build(), peers.size(), storage.initialState().hardState());
        } catch (IOException | RuntimeException e) {
            wal.close();
            throw e;
        }
    }

    /**
     * Joins a running cluster (etcd's {@code --initial-cluster-state existing}): asks the other
     * members of {@code --initial-cluster} for the cluster's ID and members, checks that they are
     * the ones listed (each with the same peer URLs, etcd's {@code ValidateClusterAndAssignIDs}),
     * takes this member's ID from the one with its advertised peer URLs (added before by
     * MemberAdd), and starts an empty node: the leader sends the log, or a snapshot, from which
     * the membership and the store are rebuilt.
     */
    static RaftParts join(EtcdConfig config, DataDir dataDir, ServerSettings settings,
            Executor preallocate, PeerTls tls) throws IOException {
        List<EtcdUrl> others = new ArrayList<>();
        config.initialCluster().peerUrlsByName().forEach((name, urls) -> {
            if (!name.equals(config.name())) {
                others.addAll(urls);
            }
        });
        MembersReply cluster = new ClusterPeerClient(settings.requestTimeoutMillis(), tls)
                .members(others);
        Map<String, List<EtcdUrl>> listed = config.initialCluster().peerUrlsByName();
        if (listed.size() != cluster.getMembersCount()) {
            throw new IllegalArgumentException("error validating peerURLs " + cluster
                    .getMembersList() + ": member count is unequal");
        }
        long memberId = 0;
        for (Map.Entry<String, List<EtcdUrl>> member : listed.entrySet()) {
            List<String> urls = member.getValue().stream().map(EtcdUrl::toString).sorted()
                    .toList();
            MemberRecord match = cluster.getMembersList().stream()
                    .filter(m -> m.getPeerUrlsList().stream().sorted().toList().equals(urls))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(
                            "error validating peerURLs: unmatched member while checking"
                                    + " PeerURLs " + urls));
            if (member.getKey().equals(config.name())) {
                memberId = match.getId();
            }
        }
        Files.createDirectories(dataDir.member());
        Wal wal = Wal.create(dataDir.wal(), Metadata.newBuilder().setMemberId(memberId)
                .setClusterId(cluster.getClusterId()).build(), walConfig(settings, preallocate));
        try {
            Snapshotter snapshotter = Snapshotter.open(dataDir.snap(), settings.maxSnapshots());
            MemoryStorage storage = new MemoryStorage();
            RawNode node = new RawNode(raftConfig(memberId, storage, settings, 0));
            return new RaftParts(memberId, cluster.getClusterId(), node, storage, wal,
                    snapshotter, ConfState.getDefaultInstance(), 0,
                    storage.initialState().hardState());
        } catch (IOException | RuntimeException e) {
            wal.close();
            throw e;
        }
    }

    /** The members of a new cluster, sorted by ID, as etcd's {@code NewClusterFromURLsMap}. */
    static List<MemberRecord> initialMembers(Map<String, List<EtcdUrl>> peerUrlsByName,
            String token) {
        List<MemberRecord> members = new ArrayList<>();
        peerUrlsByName.forEach((name, urls) -> members.add(MemberRecord.newBuilder()
                .setId(MemberIds.memberId(urls, token)).setName(name)
                .addAllPeerUrls(urls.stream().map(EtcdUrl::toString).toList()).build()));
        members.sort((a, b) -> Long.compareUnsigned(a.getId(), b.getId()));
        return members;
    }

    /** Restarts a member from its WAL and its newest usable snapshot. */
    static RaftParts restart(DataDir dataDir, ServerSettings settings, Executor preallocate)
            throws IOException {
        List<SnapshotMetadata> markers = Wal.validSnapshotMarkers(dataDir.wal());
        Snapshotter snapshotter = Snapshotter.open(dataDir.snap(), settings.maxSnapshots());
        Optional<Snapshot> snapshot = snapshotter.loadNewestAvailable(markers);
        SnapshotMetadata marker = snapshot.map(Snapshot::getMetadata)
                .orElse(SnapshotMetadata.getDefaultInstance());
        Wal wal = Wal.open(dataDir.wal(), marker, walConfig(settings, preallocate));
        try {
            RecoveredWal recovered = wal.readAll();
            MemoryStorage storage = new MemoryStorage();
            snapshot.ifPresent(storage::applySnapshot);
            storage.setHardState(recovered.hardState());
            storage.append(recovered.entries());
            long memberId = recovered.metadata().getMemberId();
            RawNode node = new RawNode(raftConfig(memberId, storage, settings, marker.getIndex()));
            return new RaftParts(memberId, recovered.metadata().getClusterId(), node, storage,
                    wal, snapshotter, marker.getConfState(), marker.getIndex(),
                    recovered.hardState());
        } catch (IOException | RuntimeException e) {
            wal.close();
            throw e;
        }
    }

    static WalConfig walConfig(ServerSettings settings, Executor preallocate) {
        return WalConfig.DEFAULT.withSegmentBytes(settings.walSegmentBytes())
                .withWalFilesMax(settings.maxWals()).withPreallocateExecutor(preallocate);
    }

    private static RaftConfig raftConfig(long memberId, MemoryStorage storage,
            ServerSettings settings, long applied) {
        return RaftConfig.builder(memberId, storage, new SplittableRandom())
                .electionTicks(settings.electionTicks())
                .heartbeatTicks(1)
                .applied(applied)
                .inflightCountMax(INFLIGHT_COUNT_MAX)
                .checkQuorum(true)
                .preVote(true)
                .build();
    }
}
