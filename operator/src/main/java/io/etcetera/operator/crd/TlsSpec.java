package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Secrets of type kubernetes.io/tls (keys tls.crt, tls.key, ca.crt) for the client and peer ports.
 * When set, the member serves https on that port and requires client certificates signed by the
 * secret's ca.crt.
 */
public record TlsSpec(
        @JsonPropertyDescription("Secret with the client-port server certificate (its SANs must "
                + "name <member>.<cluster>-peers.<namespace>.svc) and, in ca.crt, the CA that "
                + "client certificates must chain to.")
        String clientSecret,
        @JsonPropertyDescription("Secret with the peer certificate, used both to serve and to "
                + "dial peers (server and client auth usages).")
        String peerSecret,
        @JsonPropertyDescription("Secret with the client certificate the operator presents to "
                + "members (clientAuth usage, issued by the client secret's CA). Default: "
                + "clientSecret, whose certificate then needs the clientAuth usage too.")
        String operatorSecret) {
}
