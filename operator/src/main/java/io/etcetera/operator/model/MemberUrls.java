package io.etcetera.operator.model;

import java.net.URI;

/**
 * The stable DNS name and URLs of a member: {@code <member>.<cluster>-peers.<namespace>.svc}, which
 * the headless peer Service publishes even before the member is ready (publishNotReadyAddresses),
 * so
 * peers can find a member that is still joining.
 */
public record MemberUrls(MemberName member, String namespace, boolean clientTls, boolean peerTls) {

    public static final int CLIENT_PORT = 2379;
    public static final int PEER_PORT = 2380;

    public static String peerServiceName(String cluster) {
        return cluster + "-peers";
    }

    public String host() {
        return member.value() + "." + peerServiceName(member.cluster()) + "." + namespace + ".svc";
    }

    public URI clientUrl() {
        return URI.create((clientTls ? "https" : "http") + "://" + host() + ":" + CLIENT_PORT);
    }

    public URI peerUrl() {
        return URI.create((peerTls ? "https" : "http") + "://" + host() + ":" + PEER_PORT);
    }

    /** The member named by a peer URL's first DNS label, or null when it is not one of ours. */
    public static MemberName memberOfPeerUrl(String cluster, URI peerUrl) {
        String host = peerUrl.getHost();
        if (host == null) {
            return null;
        }
        int dot = host.indexOf('.');
        return MemberName.parse(cluster, dot < 0 ? host : host.substring(0, dot));
    }
}
