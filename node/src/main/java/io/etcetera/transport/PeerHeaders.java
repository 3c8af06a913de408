package io.etcetera.transport;

import io.etcetera.config.EtcdUrl;
import io.grpc.Metadata;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

/**
 * The identity every peer call carries, under etcd's rafthttp header names (lower case, as gRPC
 * requires), and the receiver's admission check on it. IDs are written as etcd writes {@code
 * types.ID}: unsigned hexadecimal without padding.
 *
 * <p>Admission follows etcd's stream handler: the cluster ID must be this member's, the sender must
 * not have been removed from the cluster, and the call must be meant for this member. Immutable;
 * thread-safe as long as the removal predicate is.
 */
final class PeerHeaders {

    static final Metadata.Key<String> CLUSTER_ID =
            Metadata.Key.of("x-etcd-cluster-id", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> FROM =
            Metadata.Key.of("x-server-from", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TO =
            Metadata.Key.of("x-raft-to", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> PEER_URLS =
            Metadata.Key.of("x-peerurls", Metadata.ASCII_STRING_MARSHALLER);

    private final long localId;
    private final long clusterId;
    private final String advertisedUrls;
    private final LongPredicate isIdRemoved;

    /**
     * @param localId this member's ID
     * @param clusterId the cluster this member belongs to
     * @param advertisePeerUrls where peers reach this member, sent so a receiver that does not know
     *     this member yet can answer it
     * @param isIdRemoved whether a member was removed from the cluster; must not block
     */
    PeerHeaders(
            long localId,
            long clusterId,
            List<EtcdUrl> advertisePeerUrls,
            LongPredicate isIdRemoved) {
        this.localId = localId;
        this.clusterId = clusterId;
        this.advertisedUrls =
                advertisePeerUrls.stream().map(EtcdUrl::toString).collect(Collectors.joining(","));
        this.isIdRemoved = isIdRemoved;
    }

    /** The headers of a call from this member to {@code to}. */
    Metadata outgoing(long to) {
        Metadata headers = new Metadata();
        headers.put(CLUSTER_ID, id(clusterId));
        headers.put(FROM, id(localId));
        headers.put(TO, id(to));
        if (!advertisedUrls.isEmpty()) {
            headers.put(PEER_URLS, advertisedUrls);
        }
        return headers;
    }

    /** Why a call with these headers must be refused, or empty when it is admitted. */
    Optional<PeerRefusal> refusal(Metadata headers) {
        OptionalLong cluster = parseId(headers.get(CLUSTER_ID));
        if (cluster.isEmpty() || cluster.getAsLong() != clusterId) {
            return Optional.of(PeerRefusal.CLUSTER_ID_MISMATCH);
        }
        OptionalLong from = parseId(headers.get(FROM));
        if (from.isEmpty()) {
            return Optional.of(PeerRefusal.INVALID_FROM);
        }
        if (isIdRemoved.test(from.getAsLong())) {
            return Optional.of(PeerRefusal.REMOVED_MEMBER);
        }
        OptionalLong to = parseId(headers.get(TO));
        if (to.isEmpty() || to.getAsLong() != localId) {
            return Optional.of(PeerRefusal.TO_MISMATCH);
        }
        return Optional.empty();
    }

    /** Whether a member was removed from the cluster, for checks after admission. */
    boolean isRemoved(long memberId) {
        return isIdRemoved.test(memberId);
    }

    /** The sender of an admitted call. */
    static long from(Metadata admitted) {
        return Long.parseUnsignedLong(admitted.get(FROM), 16);
    }

    /** etcd's log line for a call from another cluster: the cluster IDs it got and wants. */
    String clusterIdMismatch(Metadata headers) {
        return "request cluster ID mismatch (got "
                + headers.get(CLUSTER_ID)
                + " want "
                + id(clusterId)
                + ")";
    }

    /** The sender's advertised peer URLs; malformed ones are left out. */
    static List<EtcdUrl> peerUrls(Metadata admitted) {
        String written = admitted.get(PEER_URLS);
        List<EtcdUrl> urls = new ArrayList<>();
        if (written == null) {
            return urls;
        }
        for (String url : written.split(",")) {
            try {
                URI uri = new URI(url.strip());
                if (uri.getScheme() != null && uri.getHost() != null && uri.getPort() >= 0) {
                    String host = uri.getHost();
                    if (host.startsWith("[") && host.endsWith("]")) {
                        host = host.substring(1, host.length() - 1);
                    }
                    urls.add(new EtcdUrl(uri.getScheme(), host, String.valueOf(uri.getPort())));
                }
            } catch (URISyntaxException e) {
                // not a URL: the sender cannot be answered through it
            }
        }
        return urls;
    }

    /** etcd's {@code types.ID} text: unsigned hexadecimal. */
    static String id(long memberId) {
        return Long.toUnsignedString(memberId, 16);
    }

    private static OptionalLong parseId(String written) {
        if (written == null || written.isEmpty() || written.length() > 16) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(written, 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
