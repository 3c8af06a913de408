package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.etcetera.api.Etcdctl;
import io.etcetera.api.TestCertificates;
import io.etcetera.config.EtcdUrl;
import io.etcetera.config.TlsConfig;
import io.etcetera.server.pb.ClusterPeerGrpc;
import io.etcetera.server.pb.MembersReply;
import io.etcetera.server.pb.MembersRequest;
import io.etcetera.transport.PeerTls;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * Three member processes whose peer URLs are {@code https}, with etcd's {@code --peer-cert-file},
 * {@code --peer-key-file}, {@code --peer-trusted-ca-file} and {@code --peer-client-cert-auth}
 * (certificates made by openssl): they elect a leader and replicate writes over TLS; a learner
 * added with MemberAdd joins with {@code --initial-cluster-state existing} (fetching the members
 * over TLS), catches up from a snapshot streamed over TLS and is promoted through a follower
 * (forwarded to the leader over TLS).
 * Callers of the peer port without a certificate, or with one signed by another CA, are refused
 * in the handshake, and the cluster goes on. The parts run in order on one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeerTlsIT {

    private static final Duration CHANGE_WAIT = Duration.ofSeconds(60);
    /** A snapshot every 50 entries, 10 kept below it: a late joiner gets a snapshot. */
    private static final List<String> SMALL_LOG = List.of("--snapshot-count", "50",
            "--experimental-snapshot-catchup-entries", "10");
    /** Writes before the learner joins: past a snapshot and its catch-up entries. */
    private static final int WRITES_BEFORE_JOIN = 120;

    private TestCertificates pki;
    private ProcessCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        pki = TestCertificates.shared();
        Path dir = Files.createTempDirectory(Path.of("target"), "peer-tls-");
        List<String> flags = new ArrayList<>(SMALL_LOG);
        flags.addAll(tlsFlags(pki.peerCert(), pki.peerKey()));
        cluster = ProcessCluster.start(dir, 3, flags, "https");
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private List<String> tlsFlags(Path cert, Path key) {
        return List.of("--peer-cert-file", cert.toString(), "--peer-key-file", key.toString(),
                "--peer-trusted-ca-file", pki.ca().toString(), "--peer-client-cert-auth");
    }

    @Test
    @Order(1)
    void membersOnHttpsPeerUrlsElectALeaderAndReplicate() throws Exception {
        int leader = cluster.leaderIndex(CHANGE_WAIT);
        int follower = (leader + 1) % 3;
        put(cluster.member(leader), "tls/a", "1");
        // A linearizable read on a follower asks the leader for its read index over TLS.
        assertThat(get(cluster.member(follower), "tls/a", false)).isEqualTo("1");
        Etcdctl.Result list = Etcdctl.run(cluster.member(follower).url(), "member", "list");
        assertThat(list.stdout().lines()).hasSize(3)
                .allMatch(line -> line.contains(", started, ") && line.contains("https://"));
    }

    @Test
    @Order(2)
    void aLearnerAddedOverHttpsJoinsCatchesUpAndIsPromoted() throws Exception {
        try (Client client = Client.builder().endpoints(cluster.member(0).url()).build()) {
            for (int i = 0; i < WRITES_BEFORE_JOIN; i++) {
                client.getKVClient().put(bytes("tls/w" + i), bytes("w")).get(10, TimeUnit.SECONDS);
            }
        }
        int slot = cluster.reserve("m3");
        // etcd adds a member only once every voter has been connected for five seconds.
        Etcdctl.Result added = ClusterIT.retry(() -> Etcdctl.run(cluster.endpoints(), "member",
                "add", "m3", "--learner", "--peer-urls=" + cluster.peerUrl(slot)),
                "unhealthy cluster");
        Matcher id = Etcdctl.ADDED_MEMBER_ID.matcher(added.stdout());
        assertThat(id.find()).as(added.stdout()).isTrue();
        MemberProcess learner = cluster.join(slot);
        await().atMost(CHANGE_WAIT).ignoreExceptions()
                .until(() -> "1".equals(get(learner, "tls/a", true)));
        // The leader had compacted its log: the learner caught up from a snapshot sent over TLS.
        assertThat(learner.logText()).contains("installed the leader's snapshot");

        int follower = (cluster.leaderIndex(CHANGE_WAIT) + 1) % 3;
        Etcdctl.Result promoted = ClusterIT.retry(() -> Etcdctl.run(
                cluster.member(follower).url(), "member", "promote", id.group(1)),
                "in sync with leader");
        assertThat(promoted.stdout()).contains(Etcdctl.memberLine(id.group(1), "promoted"));
        put(cluster.member(follower), "tls/b", "2");
        assertThat(get(learner, "tls/b", false)).isEqualTo("2");
    }

    @Test
    @Order(3)
    void callersWithoutAClientCertificateOfTheClusterCaAreRefused() throws Exception {
        EtcdUrl peer = EtcdUrl.parse(cluster.peerUrl(0));
        PeerTls member = callerTls(Optional.of(pki.peerCert()), Optional.of(pki.peerKey()));
        PeerTls noCertificate = callerTls(Optional.empty(), Optional.empty());
        PeerTls otherCa = callerTls(Optional.of(pki.foreignPeerCert()),
                Optional.of(pki.foreignPeerKey()));
        assertThat(members(member, peer).getMembersCount()).isEqualTo(4);
        for (PeerTls refused : List.of(noCertificate, otherCa)) {
            assertThatThrownBy(() -> members(refused, peer))
                    .isInstanceOf(StatusRuntimeException.class)
                    .hasMessageContaining("UNAVAILABLE")
                    .rootCause().hasMessageContaining("bad_certificate");
        }
        put(cluster.member(0), "tls/c", "3");
        assertThat(get(cluster.member(3), "tls/c", false)).isEqualTo("3");
    }

    /** How a member with these files calls its peers: it trusts the cluster's CA. */
    private PeerTls callerTls(Optional<Path> cert, Optional<Path> key) throws IOException {
        return PeerTls.of(new TlsConfig(cert, key, Optional.of(pki.ca()), false), List.of());
    }

    /** The ClusterPeer service's member list, called as a joining member calls it. */
    private static MembersReply members(PeerTls tls, EtcdUrl peer) {
        ManagedChannel channel = tls.secure(
                NettyChannelBuilder.forAddress(peer.host(), peer.portNumber()), peer).build();
        try {
            return ClusterPeerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .members(MembersRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }

    private static void put(MemberProcess member, String key, String value) throws Exception {
        try (Client client = Client.builder().endpoints(member.url()).build()) {
            client.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
        }
    }

    /** The value of {@code key} on {@code member}, or null. */
    private static String get(MemberProcess member, String key, boolean serializable)
            throws Exception {
        try (Client client = Client.builder().endpoints(member.url()).build()) {
            var kvs = client.getKVClient().get(bytes(key),
                    GetOption.builder().withSerializable(serializable).build())
                    .get(10, TimeUnit.SECONDS).getKvs();
            return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
