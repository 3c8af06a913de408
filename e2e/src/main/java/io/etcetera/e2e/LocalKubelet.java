package io.etcetera.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Plays the kubelet (and the volume provisioner) for one namespace of the mock API server: every
 * {@value #TICK_MILLIS} ms it starts processes for new Pods, advances their containers, probes
 * readiness, writes pod status when readiness changes, kills the processes of deleted Pods, and
 * deletes the directories of deleted claims.
 *
 * <p>All state is touched under this object's lock: by the loop thread ({@code kubelet}) and by
 * tests calling {@link #crash}.
 */
public final class LocalKubelet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalKubelet.class);
    private static final long TICK_MILLIS = 250;
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

    private final KubernetesClient client;
    private final String namespace;
    private final HostsFile hosts;
    private final MemberLauncher launcher;
    private final Path volumes;
    private final Path logs;
    private final Map<String, PodProcess> processes = new HashMap<>();
    private final Map<String, String> uids = new HashMap<>();
    private final Map<String, Boolean> reportedReady = new HashMap<>();
    /** Claims that existed at some tick: their directory goes when the claim goes. */
    private final Set<String> claimsSeen = new HashSet<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(PROBE_TIMEOUT).build();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "kubelet"));

    public LocalKubelet(KubernetesClient client, String namespace, HostsFile hosts,
            MemberLauncher launcher, Path root) {
        this.client = client;
        this.namespace = namespace;
        this.hosts = hosts;
        this.launcher = launcher;
        this.volumes = root.resolve("volumes");
        this.logs = root.resolve("logs");
    }

    public LocalKubelet start() {
        loop.scheduleWithFixedDelay(this::tickLogged, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Directory standing in for claim {@code claimName}. */
    public Path claimPath(String claimName) {
        return volumes.resolve(namespace).resolve(claimName);
    }

    /** The loopback address of a pod's DNS name. */
    public String addressOf(String podName, String subdomain) {
        return hosts.addressOf(dnsName(podName, subdomain));
    }

    /** SIGKILLs the pod's member process and, when {@code wipeData}, empties its data volume. */
    public synchronized void crash(String podName, String claimName, boolean wipeData) {
        PodProcess p = processes.get(podName);
        if (p != null) {
            p.kill();
        }
        if (wipeData) {
            deleteTree(claimPath(claimName), false);
        }
    }

    private void tickLogged() {
        try {
            tick(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf(e, "kubelet tick failed");
        }
    }

    private synchronized void tick(Instant now) {
        Set<String> seen = new HashSet<>();
        for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
            String name = pod.getMetadata().getName();
            seen.add(name);
            if (!pod.getMetadata().getUid().equals(uids.get(name))) {
                stop(name);
                uids.put(name, pod.getMetadata().getUid());
                String address = hosts.addressOf(dnsName(name, pod.getSpec().getSubdomain()));
                processes.put(name, new PodProcess(pod, address, launcher, volumes, logs,
                        secret -> client.secrets().inNamespace(namespace).withName(secret).get()));
                reportedReady.remove(name);
            }
            PodProcess process = processes.get(name);
            boolean running = process.step(now);
            boolean ready = running && probe(pod, process.address);
            if (!Boolean.valueOf(ready).equals(reportedReady.get(name))) {
                report(pod, process, ready, now);
            }
        }
        for (String gone : Set.copyOf(processes.keySet())) {
            if (!seen.contains(gone)) {
                stop(gone);
            }
        }
        reclaimDeletedClaims();
    }

    private void stop(String name) {
        PodProcess p = processes.remove(name);
        if (p != null) {
            p.kill();
        }
        uids.remove(name);
        reportedReady.remove(name);
    }

    private boolean probe(Pod pod, String address) {
        Container main = pod.getSpec().getContainers().get(0);
        if (main.getReadinessProbe() == null || main.getReadinessProbe().getHttpGet() == null) {
            return true;
        }
        var get = main.getReadinessProbe().getHttpGet();
        URI uri = URI.create("http://" + address + ":" + get.getPort().getIntVal() + get.getPath());
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT)
                    .build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() >= 200 && r.statusCode() < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void report(Pod pod, PodProcess process, boolean ready, Instant now) {
        var status = new PodStatusBuilder()
                .withPhase("Running")
                .withPodIP(process.address)
                .withStartTime(now.toString())
                .withConditions(new PodConditionBuilder().withType("Ready")
                        .withStatus(ready ? "True" : "False")
                        .withLastTransitionTime(now.toString()).build())
                .build();
        try {
            client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
                    .editStatus(p -> {
                        p.setStatus(status);
                        return p;
                    });
            reportedReady.put(pod.getMetadata().getName(), ready);
        } catch (KubernetesClientException e) {
            LOG.debugf("status of %s not written: %s", pod.getMetadata().getName(), e.getMessage());
        }
    }

    private void reclaimDeletedClaims() {
        Path root = volumes.resolve(namespace);
        if (!Files.isDirectory(root)) {
            return;
        }
        Set<String> claims = new HashSet<>();
        client.persistentVolumeClaims().inNamespace(namespace).list().getItems()
                .forEach(c -> claims.add(c.getMetadata().getName()));
        claimsSeen.addAll(claims);
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> claimsSeen.contains(d.getFileName().toString()))
                    .filter(d -> !claims.contains(d.getFileName().toString()))
                    .filter(d -> processes.values().stream().noneMatch(p -> p.uses(d)))
                    .forEach(d -> deleteTree(d, true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String dnsName(String podName, String subdomain) {
        return subdomain == null ? podName : podName + "." + subdomain + "." + namespace + ".svc";
    }

    private static void deleteTree(Path dir, boolean includingRoot) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder())
                    .filter(p -> includingRoot || !p.equals(dir))
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills every member and deletes the volumes (hundreds of MB of etcd WAL); logs stay. */
    @Override
    public synchronized void close() {
        loop.shutdownNow();
        Set.copyOf(processes.keySet()).forEach(this::stop);
        deleteTree(volumes, true);
    }
}
