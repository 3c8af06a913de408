package io.etcetera.api;

import io.etcetera.config.EtcdConfig;
import io.grpc.BindableService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Client ports for tests: test-only services, checks that always pass, no meters. Stateless. */
final class TestPorts {

    static final HealthChecks HEALTHY =
            new HealthChecks(
                    (excludedAlarms, serializable) -> CompletableFuture.completedFuture(true),
                    List.of(),
                    List.of());

    /** One client URL on a free loopback port. */
    static final List<String> LOOPBACK =
            List.of(
                    "--listen-client-urls", "http://127.0.0.1:0",
                    "--advertise-client-urls", "http://127.0.0.1:2379");

    private TestPorts() {}

    /** A started port serving {@code services} on the URLs of etcd {@code flags}. */
    static ClientPort started(List<BindableService> services, List<String> flags)
            throws IOException {
        List<io.grpc.ServerServiceDefinition> definitions = new ArrayList<>();
        services.forEach(service -> definitions.add(service.bindService()));
        ClientPort port =
                new ClientPort(
                        EtcdConfig.of(flags.toArray(String[]::new)),
                        definitions,
                        HEALTHY,
                        () -> "");
        port.start();
        return port;
    }

    /** {@code 127.0.0.1:port} of the port's first client address: etcdctl's bare endpoint form. */
    static String bareEndpoint(ClientPort port) {
        return "127.0.0.1:" + port.clientAddresses().get(0).getPort();
    }
}
