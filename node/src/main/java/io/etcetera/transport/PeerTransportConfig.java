package io.etcetera.transport;

import io.etcetera.config.EtcdUrl;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one member's peer transport needs to know about itself. Immutable.
 *
 * @param memberId this member's ID
 * @param clusterId the cluster's ID; calls claiming another are refused both ways
 * @param listenPeerUrls {@code --listen-peer-urls}: where to accept peers' calls (port 0: any free
 *     port)
 * @param advertisePeerUrls this member's advertised peer URLs, sent along so that a peer that does
 *     not know this member yet can answer it
 * @param snapshotDir where received snapshot data files appear, named {@code <index as 16 hex
 *     digits>.snap.db} as etcd names them; partial files live there too until they are complete
 * @param tls TLS contexts, needed when a listen URL or a peer URL is {@code https}
 * @param limits queue, batch, back-off and snapshot bounds
 */
public record PeerTransportConfig(
        long memberId,
        long clusterId,
        List<EtcdUrl> listenPeerUrls,
        List<EtcdUrl> advertisePeerUrls,
        Path snapshotDir,
        Optional<PeerTls> tls,
        PeerLimits limits) {

    public PeerTransportConfig {
        listenPeerUrls = List.copyOf(listenPeerUrls);
        advertisePeerUrls = List.copyOf(advertisePeerUrls);
    }
}
