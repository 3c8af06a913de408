package io.etcetera.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a container's command into the command line of a local process. The member image's
 * {@code etcd} becomes real etcd or Etcetera's node, chosen by the system property
 * {@code e2e.member} ({@code etcd}, the default, or {@code etcetera}); other commands
 * ({@code sh}, {@code etcdctl}) run as installed. Every process runs in a private mount namespace
 * where the harness's hosts file is bind-mounted over {@code /etc/hosts}, so Go's resolver (etcd)
 * and the JVM resolve pod names alike.
 */
public final class MemberLauncher {

    private final String member;
    private final Path nodeApp;
    private final Path hostsFile;

    public MemberLauncher(String member, Path nodeApp, Path hostsFile) {
        if (!member.equals("etcd") && !member.equals("etcetera")) {
            throw new IllegalArgumentException("e2e.member must be etcd or etcetera: " + member);
        }
        this.member = member;
        this.nodeApp = nodeApp;
        this.hostsFile = hostsFile;
    }

    /**
     * Fails fast, naming the cause, where processes cannot get a private mount namespace (the
     * harness needs root, as in CI, or a user namespace that allows it).
     */
    public static void checkMountNamespaces() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("the e2e harness runs each member in a private "
                        + "mount namespace (unshare -m) and cannot here: " + out.trim());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unshare (util-linux) is needed by the e2e harness", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public static MemberLauncher fromSystemProperties(Path hostsFile) {
        checkMountNamespaces();
        return new MemberLauncher(System.getProperty("e2e.member", "etcd"),
                Path.of(System.getProperty("e2e.node.app",
                        "node/target/quarkus-app/quarkus-run.jar")), hostsFile);
    }

    /** The member command line: the image's {@code etcd} word replaced, the args kept. */
    public List<String> commandLine(List<String> command, List<String> args) {
        List<String> line = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hostsFile.toString()));
        for (String word : command) {
            // Also where a shell runs it later (the restore step's `sh -c ... exec "$@"`).
            if (word.equals("etcd") && member.equals("etcetera")) {
                line.addAll(List.of("java", "-Djdk.net.hosts.file=" + hostsFile,
                        "-jar", nodeApp.toString()));
            } else {
                line.add(word);
            }
        }
        line.addAll(args);
        return line;
    }
}
