package io.etcetera.operator.etcd;

import java.net.URI;
import java.util.Optional;

/**
 * A member's client URL and how to reach it: plaintext for {@code http}, TLS with the operator's
 * client certificate for {@code https}.
 *
 * <p>Invariant: {@code tls} is present exactly when the scheme is {@code https}.
 */
public record MemberEndpoint(URI url, Optional<ClientTls> tls) {

    public MemberEndpoint {
        boolean https = "https".equals(url.getScheme());
        if (https != tls.isPresent()) {
            throw new IllegalArgumentException(url + (https ? " needs" : " takes no")
                    + " client TLS material");
        }
    }

    public static MemberEndpoint plaintext(URI url) {
        return new MemberEndpoint(url, Optional.empty());
    }

    /** {@code host:port} plus the TLS fingerprint: one cached channel per distinct key. */
    String channelKey() {
        return url.getHost() + ":" + url.getPort() + tls.map(t -> "#" + t.fingerprint())
                .orElse("");
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
