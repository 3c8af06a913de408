package io.etcetera;

import io.etcetera.api.ClientPort;
import io.etcetera.api.EtcdError;
import io.etcetera.api.HealthCheck;
import io.etcetera.api.HealthChecks;
import io.etcetera.config.EtcdCommandLine;
import io.etcetera.config.EtcdConfig;
import io.etcetera.config.EtcdUrl;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The member process once Quarkus runs: binds the client URLs and metrics URLs and serves until the
 * process is told to stop (SIGTERM, SIGINT), then closes the ports.
 *
 * <p>NB: the member's server (Raft, WAL, MVCC) is not wired in yet, so the client port serves no
 * etcd service (gRPC calls get {@code UNIMPLEMENTED}) and reports what a member without a leader
 * reports: {@code /health} false, {@code /readyz} failing {@code linearizable_read}. {@code
 * /version}, {@code /metrics} and {@code /livez} answer. Runs on Quarkus's main thread.
 */
public final class MainApplication implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(MainApplication.class);

    @Inject PrometheusMeterRegistry registry;

    @Override
    public int run(String... arguments) {
        // Main already refused anything invalid, so this parses to a start, quietly.
        EtcdConfig config =
                ((EtcdCommandLine.Start) EtcdCommandLine.parse(List.of(arguments), System.getenv()))
                        .config();
        HealthCheck linearizableRead =
                new HealthCheck(
                        "linearizable_read",
                        () ->
                                CompletableFuture.failedFuture(
                                        new IllegalStateException(EtcdError.NO_LEADER.message())));
        HealthChecks health =
                new HealthChecks(
                        excludedAlarms -> CompletableFuture.completedFuture(false),
                        List.of(),
                        List.of(linearizableRead));
        try (ClientPort port = new ClientPort(config, List.of(), health, registry::scrape)) {
            port.start();
            LOG.infof(
                    "ready to serve client requests on %s (gRPC and HTTP/1.1)%s; started in %d ms",
                    urls(config.listenClientUrls()),
                    config.listenMetricsUrls().isEmpty()
                            ? ""
                            : ", metrics on " + urls(config.listenMetricsUrls()),
                    ManagementFactory.getRuntimeMXBean().getUptime());
            Quarkus.waitForExit();
            return 0;
        } catch (IOException e) {
            LOG.error(e.getMessage());
            return 1;
        }
    }

    private static String urls(List<EtcdUrl> urls) {
        return urls.stream().map(EtcdUrl::toString).collect(Collectors.joining(","));
    }
}
