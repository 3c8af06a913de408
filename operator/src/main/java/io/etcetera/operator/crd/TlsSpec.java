package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Secrets of type kubernetes.io/tls (keys tls.crt, tls.key, ca.crt) for the client and peer ports.
 * When set, the member serves https on that port and requires client certificates.
 */
public record TlsSpec(
        @JsonPropertyDescription("Secret with the client-port server certificate.")
        String clientSecret,
        @JsonPropertyDescription("Secret with the peer certificate.")
        String peerSecret) {
}
