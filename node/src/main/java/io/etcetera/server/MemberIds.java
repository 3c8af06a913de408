package io.etcetera.server;

import io.etcetera.config.EtcdUrl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * The member and cluster IDs etcd derives from {@code --initial-cluster} and {@code
 * --initial-cluster-token} (etcd's {@code membership.computeMemberId} and {@code
 * RaftCluster.genID}), so that a member started with etcd's flags reports the IDs etcd would.
 *
 * <p>A member ID is the first 8 bytes (big-endian) of SHA-1 over the member's sorted peer URLs,
 * concatenated, followed by the token. The cluster ID is the first 8 bytes of SHA-1 over the sorted
 * member IDs, each as 8 big-endian bytes. Stateless.
 */
public final class MemberIds {

    private MemberIds() {}

    /** The ID of a member of a new cluster with these peer URLs, under {@code token}. */
    public static long memberId(List<EtcdUrl> peerUrls, String token) {
        StringBuilder joined = new StringBuilder();
        peerUrls.stream().map(EtcdUrl::toString).sorted().forEach(joined::append);
        joined.append(token);
        return firstLong(sha1(joined.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The ID etcd gives a member added at runtime (MemberAdd): its sorted peer URLs, concatenated,
     * followed by the time in seconds since the epoch, in decimal.
     */
    public static long newMemberId(List<String> sortedPeerUrls, long epochSeconds) {
        String joined = String.join("", sortedPeerUrls) + epochSeconds;
        return firstLong(sha1(joined.getBytes(StandardCharsets.UTF_8)));
    }

    /** The ID of a cluster of these members. */
    public static long clusterId(Collection<Long> memberIds) {
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES * memberIds.size());
        memberIds.stream().sorted(Long::compareUnsigned).forEach(bytes::putLong);
        return firstLong(sha1(bytes.array()));
    }

    /** An ID as etcd prints it: lower-case hex without leading zeros. */
    public static String hex(long id) {
        return Long.toHexString(id);
    }

    private static long firstLong(byte[] digest) {
        return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    }

    private static byte[] sha1(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1", e);
        }
    }
}
