package io.etcetera.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Pod's containers as local processes: init containers one after another to success, then the
 * main container, restarted with a capped backoff whenever it exits (restartPolicy Always).
 *
 * <p>Thread-confined to the kubelet loop, which calls {@link #step} on each tick.
 */
final class PodProcess {

    private static final Duration RESTART_BACKOFF_MAX = Duration.ofSeconds(5);

    final String name;
    final String address;
    private final Pod pod;
    private final MemberLauncher launcher;
    private final Map<String, Path> mounts;
    private final Path log;
    private int nextInit;
    private Process process;
    private Instant restartAt = Instant.EPOCH;
    private int restarts;

    PodProcess(Pod pod, String address, MemberLauncher launcher, Path volumesRoot, Path logs) {
        this.name = pod.getMetadata().getName();
        this.pod = pod;
        this.address = address;
        this.launcher = launcher;
        this.mounts = volumePaths(pod, volumesRoot.resolve(pod.getMetadata().getNamespace()));
        this.log = logs.resolve(name + ".log");
    }

    /** Advances the pod: start the next container when none runs. True when the main one runs. */
    boolean step(Instant now) {
        if (process != null && process.isAlive()) {
            return nextInit >= initContainers().size();
        }
        if (process != null) {
            int exit = process.exitValue();
            process = null;
            if (nextInit < initContainers().size()) {
                if (exit == 0) {
                    nextInit++;
                } else {
                    restartAt = now.plus(backoff());
                }
            } else {
                restarts++;
                restartAt = now.plus(backoff());
            }
        }
        if (now.isBefore(restartAt)) {
            return false;
        }
        Container next = nextInit < initContainers().size() ? initContainers().get(nextInit)
                : pod.getSpec().getContainers().get(0);
        process = start(next);
        return nextInit >= initContainers().size();
    }

    int restarts() {
        return restarts;
    }

    /** Kills the running container with SIGKILL (the Pod is gone, or a test crashes it). */
    void kill() {
        if (process != null) {
            killAndWait(process);
        }
    }

    /** SIGKILL, then wait for the exit so ports and files are free afterwards. */
    static void killAndWait(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when one of this pod's volumes is the host directory {@code dir}. */
    boolean uses(Path dir) {
        return mounts.containsValue(dir);
    }

    private List<Container> initContainers() {
        return pod.getSpec().getInitContainers() == null ? List.of()
                : pod.getSpec().getInitContainers();
    }

    private Duration backoff() {
        long seconds = Math.min(RESTART_BACKOFF_MAX.toSeconds(), 1L << Math.min(restarts, 4));
        return Duration.ofSeconds(seconds);
    }

    private Process start(Container container) {
        List<String> command = container.getCommand() == null ? List.of() : container.getCommand();
        List<String> args = container.getArgs() == null ? List.of() : container.getArgs();
        List<String> line = launcher.commandLine(expand(command), expand(args));
        try {
            Files.createDirectories(log.getParent());
            for (Path dir : mounts.values()) {
                Files.createDirectories(dir);
            }
            Files.writeString(log, "--- " + Instant.now() + " " + container.getName() + ": "
                    + String.join(" ", line) + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + name + "/" + container.getName(), e);
        }
    }

    /** {@code $(POD_IP)} becomes the pod's address; mount paths become host directories. */
    private List<String> expand(List<String> words) {
        List<Map.Entry<String, Path>> byLength = new ArrayList<>(mounts.entrySet());
        byLength.sort(Comparator.comparing((Map.Entry<String, Path> e) -> e.getKey().length())
                .reversed());
        List<String> out = new ArrayList<>();
        for (String word : words) {
            String w = word.replace("$(POD_IP)", address);
            for (var mount : byLength) {
                w = w.replace(mount.getKey(), mount.getValue().toString());
            }
            out.add(w);
        }
        return out;
    }

    /** Mount path to host directory, for every claim-backed mount of every container. */
    private static Map<String, Path> volumePaths(Pod pod, Path namespaceRoot) {
        Map<String, Path> byVolume = new TreeMap<>();
        for (Volume v : pod.getSpec().getVolumes()) {
            if (v.getPersistentVolumeClaim() != null) {
                byVolume.put(v.getName(),
                        namespaceRoot.resolve(v.getPersistentVolumeClaim().getClaimName()));
            }
        }
        Map<String, Path> byMount = new TreeMap<>();
        List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) {
            all.addAll(pod.getSpec().getInitContainers());
        }
        for (Container c : all) {
            for (VolumeMount m : c.getVolumeMounts()) {
                if (byVolume.containsKey(m.getName())) {
                    byMount.put(m.getMountPath(), byVolume.get(m.getName()));
                }
            }
        }
        return byMount;
    }
}
