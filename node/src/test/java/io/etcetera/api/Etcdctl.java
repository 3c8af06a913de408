package io.etcetera.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the real etcdctl (Debian's etcd-client, etcd 3.4) as a separate process and captures what it
 * prints. Stateless.
 */
public final class Etcdctl {

    /** etcdctl's own timeouts are shorter; this only stops a hung process from hanging the test. */
    private static final long PROCESS_SECONDS_MAX = 30;

    /** What one etcdctl run printed and returned. */
    public record Result(int exitStatus, String stdout, String stderr) {}

    /**
     * The member ID in etcdctl's {@code member add} answer. etcdctl prints IDs with {@code %16x},
     * so an ID below 2^60 is padded with spaces, not zeros.
     */
    public static final Pattern ADDED_MEMBER_ID = Pattern.compile("Member +([0-9a-f]+) added");

    /** etcdctl's {@code Member <id> <what>} line start, with the ID padded as etcdctl pads it. */
    public static String memberLine(String hexId, String what) {
        return String.format("Member %16s %s", hexId, what);
    }

    private Etcdctl() {}

    public static Result run(String endpoint, String... arguments)
            throws IOException, InterruptedException {
        return runWithInput(endpoint, new byte[0], arguments);
    }

    /** Runs etcdctl with {@code input} on its standard input (a txn script, a put's value). */
    public static Result runWithInput(String endpoint, byte[] input, String... arguments)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "etcdctl",
                                "--endpoints=" + endpoint,
                                "--dial-timeout=5s",
                                "--command-timeout=10s"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        CompletableFuture<byte[]> err =
                CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (var stdin = process.getOutputStream()) {
            stdin.write(input);
        }
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(PROCESS_SECONDS_MAX, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("etcdctl did not exit: " + command);
        }
        return new Result(
                process.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
    }

    /**
     * Runs etcdctl for {@code runMillis}, then ends it with SIGTERM (for commands that never end
     * on their own, such as {@code watch}); what it printed until then.
     */
    public static Result runFor(long runMillis, String endpoint, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoint));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> out =
                CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err =
                CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (!process.waitFor(runMillis, TimeUnit.MILLISECONDS)) {
            process.destroy();
        }
        if (!process.waitFor(PROCESS_SECONDS_MAX, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("etcdctl did not exit: " + command);
        }
        return new Result(
                process.exitValue(),
                new String(out.join(), StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
