package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The README's quick start as written: {@code bin/etcetera} with no flags (so the default data dir
 * {@code default.etcd} in the working directory), then {@code etcdctl put foo bar} and {@code
 * etcdctl get foo}. The one liberty: the client URL is a free port, given the way etcd users give
 * it without flags ({@code ETCD_LISTEN_CLIENT_URLS}, {@code ETCDCTL_ENDPOINTS}), since port 2379
 * may be taken on a shared machine.
 */
class QuickStartIT {

    private static final Path BIN = Path.of("..", "bin", "etcetera").toAbsolutePath().normalize();

    @Test
    void binEtceteraThenEtcdctlPutAndGet() throws Exception {
        Path cwd = Files.createTempDirectory(Path.of("target"), "quickstart-").toAbsolutePath();
        String url = "http://127.0.0.1:" + MemberProcess.freePort();
        // A member listens on its peer URL too: a free port rather than etcd's 2380.
        String peerUrl = "http://127.0.0.1:" + MemberProcess.freePort();
        Map<String, String> environment = Map.of("ETCD_LISTEN_CLIENT_URLS", url,
                "ETCD_ADVERTISE_CLIENT_URLS", url, "ETCD_LISTEN_PEER_URLS", peerUrl,
                "ETCDCTL_ENDPOINTS", url, "ETCDCTL_API", "3");
        ProcessBuilder member = new ProcessBuilder(BIN.toString()).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(cwd.resolve("etcetera.log").toFile());
        member.environment().putAll(environment);
        Process process = member.start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> run(cwd, environment, "etcdctl", "put", "foo", "bar")
                            .equals("OK\n"));
            assertThat(run(cwd, environment, "etcdctl", "get", "foo")).isEqualTo("foo\nbar\n");
            assertThat(cwd.resolve("default.etcd").resolve("member").resolve("wal"))
                    .isDirectory();
        } finally {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(process.exitValue()).isEqualTo(143);
    }

    private static String run(Path cwd, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(cwd.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return output;
    }
}
