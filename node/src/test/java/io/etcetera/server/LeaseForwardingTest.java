package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.PutRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * Lease renewals and TimeToLive through the followers of three members in this JVM, linked by the
 * real peer transport on loopback: a follower forwards them to the leader ({@code LeasePeer}) and
 * answers what the leader answers, under its own header, unknown leases included; when the leader
 * stops, a renewal made at once through a follower that still knows the old leader is retried
 * until the new leader answers it.
 */
class LeaseForwardingTest {

    private static final long TTL_SECONDS = 30;
    private static final long LEASE_ID = 0x51;
    private static final long UNKNOWN_ID = 0x77;

    @TempDir
    Path dir;

    private static LeaseTimeToLiveResponse timeToLive(Member member, long id) {
        return member.leases().timeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id)
                .setKeys(true).build()).join();
    }

    @Test
    void followersAnswerAsTheLeaderAndFindTheNextLeaderWhenItStops() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, s -> s)) {
            Member leader = cluster.awaitLeader();
            List<Member> followers = cluster.followers();
            await().atMost(TestCluster.ELECTION_WAIT).until(() -> followers.stream()
                    .allMatch(f -> f.leaderId() == leader.memberId()));
            Member follower = followers.get(0);
            follower.leases().grant(LeaseGrantRequest.newBuilder().setID(LEASE_ID)
                    .setTTL(TTL_SECONDS).build()).join();
            follower.kv().put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("leased"))
                    .setValue(ByteString.copyFromUtf8("v")).setLease(LEASE_ID).build()).join();

            LeaseKeepAliveResponse renewed = follower.leases().keepAlive(LEASE_ID).join();
            assertThat(renewed.getTTL()).isEqualTo(TTL_SECONDS);
            assertThat(renewed.getHeader().getMemberId()).isEqualTo(follower.memberId());
            LeaseTimeToLiveResponse onFollower = timeToLive(follower, LEASE_ID);
            LeaseTimeToLiveResponse onLeader = timeToLive(leader, LEASE_ID);
            assertThat(onFollower.getGrantedTTL()).isEqualTo(onLeader.getGrantedTTL())
                    .isEqualTo(TTL_SECONDS);
            assertThat(onFollower.getKeysList()).isEqualTo(onLeader.getKeysList())
                    .containsExactly(ByteString.copyFromUtf8("leased"));
            assertThat(onFollower.getTTL()).isBetween(TTL_SECONDS - 2, TTL_SECONDS);
            assertThat(onFollower.getHeader().getMemberId()).isEqualTo(follower.memberId());
            assertThat(follower.leases().keepAlive(UNKNOWN_ID).join().getTTL()).isZero();
            assertThat(timeToLive(follower, UNKNOWN_ID).getTTL()).isEqualTo(-1);

            cluster.members.set(cluster.members.indexOf(leader), null);
            leader.stop();
            assertThat(follower.leases().keepAlive(LEASE_ID).join().getTTL())
                    .as("renewed by the next leader").isEqualTo(TTL_SECONDS);
            Member next = cluster.awaitLeader();
            assertThat(next.memberId()).isNotEqualTo(leader.memberId());
            assertThat(timeToLive(next, LEASE_ID).getTTL()).isBetween(TTL_SECONDS - 2,
                    TTL_SECONDS);
        }
    }
}
