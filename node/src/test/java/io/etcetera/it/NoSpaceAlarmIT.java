package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmType;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * With a tiny {@code --quota-backend-bytes}, writes past the quota raise the NOSPACE alarm through
 * Raft; from then on puts, txns that put and lease grants fail with etcd's "database space
 * exceeded", while reads, deletes, txns without puts and compaction go on; disarming clears the
 * alarm.
 */
class NoSpaceAlarmIT {

    private static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";

    @Test
    void writesPastTheQuotaRaiseNoSpaceAndOnlyWritesThatGrowTheStoreAreRefused()
            throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "nospace-");
        try (MemberProcess member = MemberProcess.start(dir.resolve("member"),
                List.of("--quota-backend-bytes", "200000"));
                Client client = Client.builder().endpoints(member.url()).build()) {
            KV kv = client.getKVClient();
            ByteSequence value = MemberJetcdIT.bytes("v".repeat(20_000));
            int written = 0;
            Throwable refused = null;
            while (refused == null && written < 100) {
                try {
                    kv.put(MemberJetcdIT.bytes("big/" + written), value).get();
                    written++;
                } catch (ExecutionException e) {
                    refused = e.getCause();
                }
            }
            assertThat(refused).as("refused after %d puts", written).isNotNull()
                    .hasMessageContaining(NO_SPACE);
            List<AlarmMember> alarms = client.getMaintenanceClient().listAlarms().get()
                    .getAlarms();
            assertThat(alarms).singleElement()
                    .satisfies(alarm -> assertThat(alarm.getAlarmType())
                            .isEqualTo(AlarmType.NOSPACE));

            ByteSequence tiny = MemberJetcdIT.bytes("x");
            assertThatThrownBy(() -> kv.put(MemberJetcdIT.bytes("small"), tiny).get())
                    .as("the alarm refuses every put").hasMessageContaining(NO_SPACE);
            assertThatThrownBy(() -> kv.txn().Then(Op.put(MemberJetcdIT.bytes("small"), tiny,
                    PutOption.DEFAULT)).commit().get()).hasMessageContaining(NO_SPACE);
            assertThatThrownBy(() -> client.getLeaseClient().grant(60).get())
                    .as("and every lease grant, as etcd's capped applier").hasMessageContaining(
                            NO_SPACE);
            assertThat(kv.get(MemberJetcdIT.bytes("big/0")).get().getCount()).isEqualTo(1);
            assertThat(kv.txn().If(new Cmp(MemberJetcdIT.bytes("big/0"), Cmp.Op.GREATER,
                    CmpTarget.version(0))).Then(Op.get(MemberJetcdIT.bytes("big/0"),
                    GetOption.DEFAULT)).commit().get().isSucceeded()).isTrue();
            long revision = kv.delete(MemberJetcdIT.bytes("big/0")).get().getHeader()
                    .getRevision();
            kv.compact(revision).get();

            client.getMaintenanceClient().alarmDisarm(alarms.get(0)).get();
            assertThat(client.getMaintenanceClient().listAlarms().get().getAlarms()).isEmpty();
        }
    }
}
