package io.etcetera.operator.etcd;

import java.net.URI;
import java.util.List;

/** One entry of etcd's member list; {@code name} is empty until the member has started. */
public record EtcdMember(long id, String name, List<URI> peerUrls, List<URI> clientUrls,
        boolean learner) {

    public EtcdMember {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }

    static EtcdMember of(io.etcd.jetcd.api.Member m) {
        return new EtcdMember(m.getID(), m.getName(),
                m.getPeerURLsList().stream().map(URI::create).toList(),
                m.getClientURLsList().stream().map(URI::create).toList(),
                m.getIsLearner());
    }
}
