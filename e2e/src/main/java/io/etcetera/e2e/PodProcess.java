package io.etcetera.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

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
    private final Function<String, Secret> secrets;
    private final Map<String, Path> secretDirs = new TreeMap<>();
    private final Path log;
    private int nextInit;
    private Process process;
    private Instant restartAt = Instant.EPOCH;
    private int restarts;

    /**
     * @param secrets reads a Secret of the pod's namespace by name (null when absent): Secret
     *     volumes become files and Secret-backed variables get their values, as the kubelet does
     */
    PodProcess(Pod pod, String address, MemberLauncher launcher, Path volumesRoot, Path logs,
            Function<String, Secret> secrets) {
        this.name = pod.getMetadata().getName();
        this.pod = pod;
        this.address = address;
        this.launcher = launcher;
        this.secrets = secrets;
        Path podRoot = volumesRoot.resolve(".pods").resolve(pod.getMetadata().getUid());
        this.mounts = volumePaths(pod, volumesRoot.resolve(pod.getMetadata().getNamespace()),
                podRoot);
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
        Map<String, String> env = environment(container);
        List<String> command = container.getCommand() == null ? List.of() : container.getCommand();
        List<String> args = container.getArgs() == null ? List.of() : container.getArgs();
        List<String> line = launcher.commandLine(expand(command, env), expand(args, env));
        try {
            Files.createDirectories(log.getParent());
            for (Path dir : mounts.values()) {
                Files.createDirectories(dir);
            }
            writeSecretVolumes();
            Files.writeString(log, "--- " + Instant.now() + " " + container.getName() + ": "
                    + String.join(" ", line) + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            var builder = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + name + "/" + container.getName(), e);
        }
    }

    /** The container's variables: literal values, the pod IP, and Secret keys. */
    private Map<String, String> environment(Container container) {
        Map<String, String> env = new TreeMap<>();
        for (EnvVar v : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            if (v.getValue() != null) {
                env.put(v.getName(), v.getValue());
            } else if (v.getValueFrom() != null && v.getValueFrom().getFieldRef() != null) {
                env.put(v.getName(), address);
            } else if (v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null) {
                var ref = v.getValueFrom().getSecretKeyRef();
                env.put(v.getName(), new String(secretData(ref.getName()).get(ref.getKey()),
                        StandardCharsets.UTF_8));
            }
        }
        return env;
    }

    private void writeSecretVolumes() throws IOException {
        for (Volume v : pod.getSpec().getVolumes()) {
            if (v.getSecret() == null) {
                continue;
            }
            Path dir = secretDirs.get(v.getName());
            for (var entry : secretData(v.getSecret().getSecretName()).entrySet()) {
                Files.write(dir.resolve(entry.getKey()), entry.getValue());
            }
        }
    }

    private Map<String, byte[]> secretData(String secretName) {
        Secret secret = secrets.apply(secretName);
        if (secret == null) {
            throw new IllegalStateException("pod " + name + " needs secret " + secretName
                    + ", which does not exist");
        }
        Map<String, byte[]> data = new TreeMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> data.put(k,
                    v.getBytes(StandardCharsets.UTF_8)));
        }
        return data;
    }

    /**
     * {@code $(NAME)} becomes the variable's value ({@code $(POD_IP)} the pod's address); mount
     * paths become host directories.
     */
    private List<String> expand(List<String> words, Map<String, String> env) {
        List<Map.Entry<String, Path>> byLength = new ArrayList<>(mounts.entrySet());
        byLength.sort(Comparator.comparing((Map.Entry<String, Path> e) -> e.getKey().length())
                .reversed());
        List<String> out = new ArrayList<>();
        for (String word : words) {
            String w = word.replace("$(POD_IP)", address);
            for (var variable : env.entrySet()) {
                w = w.replace("$(" + variable.getKey() + ")", variable.getValue());
            }
            for (var mount : byLength) {
                w = w.replace(mount.getKey(), mount.getValue().toString());
            }
            out.add(w);
        }
        return out;
    }

    /**
     * Mount path to host directory, for every claim, emptyDir and Secret mount of every container:
     * claims live under {@code namespaceRoot}, the others under {@code podRoot}.
     */
    private Map<String, Path> volumePaths(Pod pod, Path namespaceRoot, Path podRoot) {
        Map<String, Path> byVolume = new TreeMap<>();
        for (Volume v : pod.getSpec().getVolumes()) {
            if (v.getPersistentVolumeClaim() != null) {
                byVolume.put(v.getName(),
                        namespaceRoot.resolve(v.getPersistentVolumeClaim().getClaimName()));
            } else if (v.getEmptyDir() != null || v.getSecret() != null) {
                byVolume.put(v.getName(), podRoot.resolve(v.getName()));
            }
            if (v.getSecret() != null) {
                secretDirs.put(v.getName(), byVolume.get(v.getName()));
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
