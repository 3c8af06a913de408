package io.etcetera.bench.load;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Resolves a channel's target to the fixed list of {@code --endpoints}, so that one channel holds
 * a connection to every member and, with gRPC's round_robin policy, sends its requests to them in
 * turn, as etcd's clientv3 balances over its endpoints. Immutable; gRPC calls it on its own
 * threads.
 */
final class EndpointResolver extends NameResolver.Factory {
    /** The target scheme of channels built on this resolver. */
    static final String SCHEME = "etcd-endpoints";

    private final List<EquivalentAddressGroup> addresses;
    private final String authority;

    EndpointResolver(List<Endpoint> endpoints) {
        this.addresses = endpoints.stream()
                .map(e -> new EquivalentAddressGroup(new InetSocketAddress(e.host(), e.port())))
                .toList();
        // NB: host:port, never a URL: some servers reset streams whose :authority is a URL.
        this.authority = endpoints.get(0).toString();
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        return new NameResolver() {
            @Override
            public String getServiceAuthority() {
                return authority;
            }

            @Override
            public void start(Listener2 listener) {
                listener.onResult(ResolutionResult.newBuilder().setAddresses(addresses).build());
            }

            @Override
            public void shutdown() {
                // Nothing to release: the addresses are fixed.
            }
        };
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }
}
