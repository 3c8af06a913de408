package io.etcetera;

import io.etcetera.api.ClientPort;
import io.etcetera.api.MemberApi;
import io.etcetera.config.EtcdCommandLine;
import io.etcetera.config.EtcdConfig;
import io.etcetera.config.EtcdUrl;
import io.etcetera.server.Member;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The member process once Quarkus runs: starts the member (Raft, WAL, store) on its data dir,
 * binds the client and metrics URLs with etcd's services, and serves until told to stop (SIGTERM,
 * SIGINT) or until a fatal error stops the member; then closes the ports and stops the member.
 * Exit status: 0 after a requested stop (143 on SIGTERM, as etcd), 1 when the member could not
 * start or stopped on a fatal error. Runs on Quarkus's main thread.
 */
public final class MainApplication implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(MainApplication.class);

    @Inject PrometheusMeterRegistry registry;

    @Override
    public int run(String... arguments) throws InterruptedException {
        // Main already refused anything invalid, so this parses to a start, quietly.
        EtcdConfig config =
                ((EtcdCommandLine.Start) EtcdCommandLine.parse(List.of(arguments), System.getenv()))
                        .config();
        Member member;
        try {
            member = Member.start(config);
        } catch (IOException | RuntimeException e) {
            LOG.error("etcetera: cannot start the member on " + config.dataDir() + ": "
                    + e.getMessage());
            return 1;
        }
        AtomicBoolean stopRequested = new AtomicBoolean();
        member.onTermination(() -> {
            if (!stopRequested.get()) {
                // a fatal error, or a removal from the cluster, stopped the member: end the process
                Quarkus.asyncExit(member.exitStatus());
            }
        });
        try (ClientPort port = new ClientPort(config, MemberApi.services(member, config),
                MemberApi.healthChecks(member), registry::scrape)) {
            port.start();
            LOG.infof(
                    "ready to serve client requests on %s (gRPC and HTTP/1.1)%s; started in %d ms",
                    urls(config.listenClientUrls()),
                    config.listenMetricsUrls().isEmpty()
                            ? ""
                            : ", metrics on " + urls(config.listenMetricsUrls()),
                    ManagementFactory.getRuntimeMXBean().getUptime());
            Quarkus.waitForExit();
        } catch (IOException e) {
            LOG.error(e.getMessage());
            stopRequested.set(true);
            member.stop();
            return 1;
        }
        stopRequested.set(true);
        return member.stop();
    }

    private static String urls(List<EtcdUrl> urls) {
        return urls.stream().map(EtcdUrl::toString).collect(Collectors.joining(","));
    }
}
