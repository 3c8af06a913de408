package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.config.EtcdConfig;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Member and cluster IDs are etcd's: for etcd's default flags every etcd prints member
 * 8e9e05c52164694d of cluster cdf818194e3a8c32 (the differential test compares other flags with a
 * real etcd process).
 */
class MemberIdsTest {

    @Test
    void etcdsDefaultFlagsGiveEtcdsDefaultIds() {
        EtcdConfig defaults = EtcdConfig.of();
        List<Long> ids = RaftStorage.initialMembers(defaults.initialCluster().peerUrlsByName(),
                defaults.initialClusterToken()).stream().map(m -> m.getId()).toList();
        assertThat(ids).containsExactly(0x8e9e05c52164694dL);
        assertThat(MemberIds.hex(MemberIds.clusterId(ids))).isEqualTo("cdf818194e3a8c32");
    }

    @Test
    void theTokenAndEveryPeerUrlChangeTheMemberIdButNotTheirOrder() {
        EtcdConfig two = EtcdConfig.of("--initial-advertise-peer-urls",
                "http://10.0.0.1:2380,http://10.0.0.2:2380", "--initial-cluster",
                "default=http://10.0.0.2:2380,default=http://10.0.0.1:2380");
        var urls = two.initialCluster().peerUrlsByName().get("default");
        long id = MemberIds.memberId(urls, "etcd-cluster");
        assertThat(MemberIds.memberId(List.of(urls.get(1), urls.get(0)), "etcd-cluster"))
                .isEqualTo(id);
        assertThat(MemberIds.memberId(urls, "other-token")).isNotEqualTo(id);
        assertThat(MemberIds.memberId(urls.subList(0, 1), "etcd-cluster")).isNotEqualTo(id);
    }

    @Test
    void theClusterIdDependsOnTheSetOfMembersOnly() {
        assertThat(MemberIds.clusterId(List.of(3L, 1L, 2L)))
                .isEqualTo(MemberIds.clusterId(List.of(1L, 2L, 3L)))
                .isNotEqualTo(MemberIds.clusterId(List.of(1L, 2L)));
    }
}
