package io.etcetera.operator.reconcile;

import io.etcetera.operator.crd.TlsSpec;
import io.etcetera.operator.etcd.ClientTls;
import io.etcetera.operator.etcd.MemberEndpoint;
import io.etcetera.operator.kube.KubeObjects;
import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.model.MemberUrls;
import io.etcetera.operator.model.ResolvedSpec;
import java.util.Optional;

/**
 * How the operator reaches one cluster's members: each member's client URL, with the operator's
 * client TLS material when the cluster serves TLS on its client port. The material is read from
 * the cluster's Secrets once per pass, so a rotated Secret takes effect on the next pass.
 */
final class MemberEndpoints {

    private final String namespace;
    private final ResolvedSpec spec;
    private final Optional<ClientTls> tls;

    private MemberEndpoints(String namespace, ResolvedSpec spec, Optional<ClientTls> tls) {
        this.namespace = namespace;
        this.spec = spec;
        this.tls = tls;
    }

    /**
     * Reads the TLS Secrets {@code spec} names, if any.
     *
     * @throws IllegalArgumentException naming a missing Secret or key
     */
    static MemberEndpoints load(KubeObjects kube, String namespace, ResolvedSpec spec) {
        if (!spec.clientTls()) {
            return new MemberEndpoints(namespace, spec, Optional.empty());
        }
        TlsSpec secrets = spec.tls();
        String own = secrets.operatorSecret() != null ? secrets.operatorSecret()
                : secrets.clientSecret();
        var tls = new ClientTls(kube.secretValue(namespace, secrets.clientSecret(), "ca.crt"),
                kube.secretValue(namespace, own, "tls.crt"),
                kube.secretValue(namespace, own, "tls.key"));
        return new MemberEndpoints(namespace, spec, Optional.of(tls));
    }

    MemberEndpoint of(MemberName member) {
        var urls = new MemberUrls(member, namespace, spec.clientTls(), spec.peerTls());
        return new MemberEndpoint(urls.clientUrl(), tls);
    }
}
