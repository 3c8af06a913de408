package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGKILL under a write load: every write the member acknowledged is there after the restart, with
 * the revision it was acknowledged with, and revisions continue with no gap and no reuse. Each
 * round kills the member at a seeded point (after a seeded number of acknowledged writes, with
 * writers still in flight); snapshots every 300 entries put snapshots and WAL releases among the
 * kill points.
 */
class CrashIT {

    private static final long[] SEEDS = {11, 23, 37};
    private static final int WRITERS = 4;

    @Test
    void acknowledgedWritesSurviveKillNineAndRevisionsContinue() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "crash-");
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        MemberProcess member = MemberProcess.start(dir.resolve("member"),
                List.of("--snapshot-count", "300"));
        try {
            for (long seed : SEEDS) {
                int killAfter = acknowledged.size()
                        + new SplittableRandom(seed).nextInt(100, 1500);
                try (Client client = Client.builder().endpoints(member.url()).build()) {
                    AtomicBoolean failed = new AtomicBoolean();
                    List<Thread> writers = startWriters(client.getKVClient(), seed,
                            acknowledged, failed);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                            .until(() -> acknowledged.size() >= killAfter || failed.get());
                    assertThat(failed).as("writes failed before the kill").isFalse();
                    member.kill();
                    for (Thread writer : writers) {
                        writer.join();
                    }
                }
                member.restart();
                checkAfterRestart(member, acknowledged);
            }
        } finally {
            member.close();
        }
    }

    /** Writers put fresh keys until a put fails (the kill), recording what was acknowledged. */
    private static List<Thread> startWriters(KV kv, long seed, Map<String, Long> acknowledged,
            AtomicBoolean failed) {
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String prefix = "crash/" + seed + "/" + w + "/";
            Thread writer = new Thread(() -> {
                for (int n = 0; ; n++) {
                    String key = prefix + n;
                    try {
                        long revision = kv.put(MemberJetcdIT.bytes(key),
                                MemberJetcdIT.bytes("value-" + key)).get().getHeader()
                                .getRevision();
                        acknowledged.put(key, revision);
                    } catch (ExecutionException e) {
                        return; // the member is gone: what was not acknowledged may be lost
                    } catch (InterruptedException e) {
                        failed.set(true);
                        return;
                    }
                }
            }, "crash-writer-" + w);
            writer.start();
            writers.add(writer);
        }
        return writers;
    }

    private static void checkAfterRestart(MemberProcess member, Map<String, Long> acknowledged)
            throws Exception {
        try (Client client = Client.builder().endpoints(member.url()).build()) {
            GetResponse all = client.getKVClient().get(MemberJetcdIT.bytes("crash/"),
                    GetOption.builder().isPrefix(true).build()).get();
            Map<String, KeyValue> found = new ConcurrentHashMap<>();
            TreeSet<Long> revisions = new TreeSet<>();
            for (KeyValue kv : all.getKvs()) {
                found.put(kv.getKey().toString(), kv);
                revisions.add(kv.getModRevision());
            }
            acknowledged.forEach((key, revision) -> {
                assertThat(found).as("acknowledged %s at revision %d", key, revision)
                        .containsKey(key);
                assertThat(found.get(key).getModRevision()).isEqualTo(revision);
                assertThat(found.get(key).getValue().toString()).isEqualTo("value-" + key);
            });
            long current = all.getHeader().getRevision();
            // Every put wrote a new key once, so the revisions 2..current are exactly the keys'.
            assertThat(revisions).as("no gap").hasSize((int) (current - 1));
            assertThat(revisions.first()).isEqualTo(2);
            assertThat(revisions.last()).isEqualTo(current);
            // A fresh key too, so the next round's check still sees one key per revision.
            long next = client.getKVClient().put(MemberJetcdIT.bytes("crash/probe/" + current),
                    MemberJetcdIT.bytes("x")).get().getHeader().getRevision();
            assertThat(next).as("no reuse").isEqualTo(current + 1);
        }
    }
}
