package io.etcetera.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real operator (its Quarkus production build) as a separate process, pointed at the mock API
 * server, resolving pod names through the harness's hosts file. It can be killed and started again
 * to test that an interrupted change resumes.
 */
public final class OperatorProcess implements AutoCloseable {

    private final Path app;
    private final Path log;
    private final Map<String, String> properties;
    private final Path kubeconfig;
    private Process process;

    /**
     * {@code properties} become {@code -Dkey=value} (Quarkus and etcetera.operator settings); the
     * API server is named by {@code kubeconfig}, as for an operator run outside a cluster.
     */
    public OperatorProcess(Path app, Path log, Path kubeconfig, Map<String, String> properties) {
        if (!Files.exists(app)) {
            throw new IllegalStateException(app + " is missing: build the operator first "
                    + "(mvn -pl operator package)");
        }
        this.app = app;
        this.log = log;
        this.properties = Map.copyOf(properties);
        this.kubeconfig = kubeconfig;
    }

    /** A kubeconfig for a plain-http API server at {@code url}, default namespace {@code ns}. */
    public static void writeKubeconfig(Path file, String url, String ns) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n",
                    "apiVersion: v1", "kind: Config", "current-context: e2e",
                    "clusters:", "- name: e2e", "  cluster:", "    server: " + url,
                    "contexts:", "- name: e2e", "  context:", "    cluster: e2e",
                    "    namespace: " + ns, "    user: e2e",
                    "users:", "- name: e2e", "  user:", "    token: e2e", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    public OperatorProcess start() {
        List<String> line = new ArrayList<>(List.of("java", "-Xmx256m"));
        properties.forEach((k, v) -> line.add("-D" + k + "=" + v));
        line.addAll(List.of("-jar", app.toString()));
        try {
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(line);
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("starting the operator", e);
        }
    }

    /** SIGKILL, as a crashed or evicted operator pod. */
    public void kill() {
        if (process != null) {
            PodProcess.killAndWait(process);
            process = null;
        }
    }

    @Override
    public void close() {
        kill();
    }
}
