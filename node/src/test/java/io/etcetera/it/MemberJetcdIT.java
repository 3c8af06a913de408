package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.ManagedChannel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * jetcd, a real etcd client, against a real member process: every KV call form, txn compares on
 * each target, compaction and its errors, Status, Hash and HashKV, defragmentation, a snapshot
 * restored into a new member. (The NOSPACE alarm has its own member: {@link NoSpaceAlarmIT}.)
 */
class MemberJetcdIT {

    private static Path work;
    private static ClientSession session;
    private static MemberProcess member;
    private static Client client;
    private static KV kv;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        session = ClientSession.start("jetcd-", List.of("--name", "jetcd"));
        work = session.work();
        member = session.member();
        client = session.client();
        channel = session.channel();
        kv = client.getKVClient();
    }

    @AfterAll
    static void stop() throws Exception {
        if (session != null) {
            session.close();
        }
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(ByteString.copyFromUtf8(text));
    }

    private static long put(String key, String value) throws Exception {
        return kv.put(bytes(key), bytes(value)).get().getHeader().getRevision();
    }

    private static List<String> keys(GetResponse response) {
        return response.getKvs().stream().map(pair -> pair.getKey().toString()).toList();
    }

    @Test
    void everyRangeForm() throws Exception {
        long first = put("range/a", "3");
        put("range/b", "1");
        put("range/c", "2");
        long last = put("range/a", "4");
        GetOption prefix = GetOption.builder().isPrefix(true).build();
        assertThat(keys(kv.get(bytes("range/"), prefix).get()))
                .containsExactly("range/a", "range/b", "range/c");
        assertThat(keys(kv.get(bytes("range/a"), GetOption.builder()
                .withRange(bytes("range/c")).build()).get())).containsExactly("range/a", "range/b");
        GetResponse limited = kv.get(bytes("range/"), GetOption.builder().isPrefix(true)
                .withLimit(2).build()).get();
        assertThat(keys(limited)).hasSize(2);
        assertThat(limited.isMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(3);
        assertThat(keys(kv.get(bytes("range/"), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.VALUE)
                .withSortOrder(GetOption.SortOrder.DESCEND).build()).get()))
                .containsExactly("range/a", "range/c", "range/b");
        GetResponse keysOnly = kv.get(bytes("range/"), GetOption.builder().isPrefix(true)
                .withKeysOnly(true).build()).get();
        assertThat(keysOnly.getKvs()).allMatch(pair -> pair.getValue().isEmpty());
        GetResponse countOnly = kv.get(bytes("range/"), GetOption.builder().isPrefix(true)
                .withCountOnly(true).build()).get();
        assertThat(countOnly.getCount()).isEqualTo(3);
        assertThat(countOnly.getKvs()).isEmpty();
        GetResponse old = kv.get(bytes("range/a"), GetOption.builder()
                .withRevision(first).build()).get();
        assertThat(old.getKvs().get(0).getValue().toString()).isEqualTo("3");
        GetResponse serializable = kv.get(bytes("range/a"), GetOption.builder()
                .withSerializable(true).build()).get();
        assertThat(serializable.getKvs().get(0).getModRevision()).isEqualTo(last);
        assertThat(keys(kv.get(bytes("range/"), GetOption.builder().isPrefix(true)
                .withMinCreateRevision(first + 1).withMaxModRevision(last - 1).build()).get()))
                .containsExactly("range/b", "range/c");
        assertThat(serializable.getHeader().getRevision()).isGreaterThanOrEqualTo(last);
        assertThat(serializable.getHeader().getMemberId()).isNotZero();
        assertThat(serializable.getHeader().getClusterId()).isNotZero();
        assertThat(serializable.getHeader().getRaftTerm()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void putAndDeleteForms() throws Exception {
        put("pd/x", "1");
        var previous = kv.put(bytes("pd/x"), bytes("2"), PutOption.builder().withPrevKV()
                .build()).get();
        assertThat(previous.hasPrevKv()).isTrue();
        assertThat(previous.getPrevKv().getValue().toString()).isEqualTo("1");
        assertThatThrownBy(() -> kv.put(bytes("pd/x"), bytes("3"), PutOption.builder()
                .withLeaseId(0x1234).build()).get())
                .hasMessageContaining("etcdserver: requested lease not found");
        put("pd/y", "1");
        put("pd/z", "1");
        var single = kv.delete(bytes("pd/x"), DeleteOption.builder().withPrevKV(true).build())
                .get();
        assertThat(single.getDeleted()).isEqualTo(1);
        assertThat(single.getPrevKvs().get(0).getValue().toString()).isEqualTo("2");
        assertThat(kv.delete(bytes("pd/y"), DeleteOption.builder().withRange(bytes("pd/zz"))
                .build()).get().getDeleted()).isEqualTo(2);
        put("pd/p1", "1");
        put("pd/p2", "1");
        assertThat(kv.delete(bytes("pd/p"), DeleteOption.builder().isPrefix(true).build()).get()
                .getDeleted()).isEqualTo(2);
        assertThat(kv.delete(bytes("pd/none")).get().getDeleted()).isZero();
    }

    @Test
    void txnComparesOnEachTarget() throws Exception {
        long created = put("txn/k", "v1");
        long modified = put("txn/k", "v2");
        ByteSequence k = bytes("txn/k");
        assertThat(txn(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(bytes("v2"))))).isTrue();
        assertThat(txn(new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(1)))).isTrue();
        assertThat(txn(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(created)))).isTrue();
        assertThat(txn(new Cmp(k, Cmp.Op.LESS, CmpTarget.modRevision(modified)))).isFalse();
        assertThat(txn(new Cmp(bytes("txn/missing"), Cmp.Op.EQUAL, CmpTarget.version(0))))
                .isTrue();
        TxnResponse written = kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(bytes("v2"))))
                .Then(Op.put(bytes("txn/then"), bytes("yes"), PutOption.DEFAULT),
                        Op.get(k, GetOption.DEFAULT))
                .Else(Op.put(bytes("txn/else"), bytes("no"), PutOption.DEFAULT)).commit().get();
        assertThat(written.isSucceeded()).isTrue();
        assertThat(written.getGetResponses().get(0).getKvs().get(0).getValue().toString())
                .isEqualTo("v2");
        assertThat(kv.get(bytes("txn/else")).get().getCount()).isZero();
        // The lease target, as Go clients send it (jetcd predates it): field 8, target 4.
        Compare lease = Compare.newBuilder().setKey(ByteString.copyFromUtf8("txn/k"))
                .setResult(Compare.CompareResult.EQUAL).setTargetValue(4)
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder().addField(8,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(0)
                                .build()).build()).build();
        var raw = KVGrpc.newBlockingStub(channel).txn(TxnRequest.newBuilder().addCompare(lease)
                .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("txn/k")))).build());
        assertThat(raw.getSucceeded()).as("txn/k has no lease").isTrue();
        assertThat(raw.getHeader().getMemberId()).isNotZero();
    }

    private static boolean txn(Cmp compare) throws Exception {
        return kv.txn().If(compare).Then(Op.get(bytes("txn/k"), GetOption.DEFAULT)).commit().get()
                .isSucceeded();
    }

    @Test
    void compactionAndItsErrors() throws Exception {
        long early = put("compact/k", "1");
        put("compact/k", "2");
        long current = put("compact/k", "3");
        kv.compact(early + 1, CompactOption.builder().withCompactPhysical(true).build()).get();
        assertThatThrownBy(() -> kv.get(bytes("compact/k"), GetOption.builder()
                .withRevision(early).build()).get())
                .hasMessageContaining("etcdserver: mvcc: required revision has been compacted");
        assertThatThrownBy(() -> kv.compact(early).get())
                .hasMessageContaining("etcdserver: mvcc: required revision has been compacted");
        assertThatThrownBy(() -> kv.compact(current + 1000).get())
                .hasMessageContaining("etcdserver: mvcc: required revision is a future revision");
        assertThat(kv.get(bytes("compact/k"), GetOption.builder().withRevision(early + 1)
                .build()).get().getKvs().get(0).getValue().toString()).isEqualTo("2");
    }

    @Test
    void statusHashDefragmentAndMemberList() throws Exception {
        StatusResponse status = MaintenanceGrpc.newBlockingStub(channel)
                .status(StatusRequest.getDefaultInstance());
        assertThat(status.getVersion()).isEqualTo("3.4.23");
        assertThat(status.getLeader()).isEqualTo(status.getHeader().getMemberId()).isNotZero();
        assertThat(status.getRaftTerm()).isGreaterThanOrEqualTo(2);
        assertThat(status.getRaftIndex()).isPositive();
        assertThat(status.getDbSize()).isPositive();
        var etcd34 = status.getUnknownFields();
        assertThat(etcd34.getField(7).getVarintList()).as("raftAppliedIndex").singleElement()
                .satisfies(applied -> assertThat(applied).isPositive()
                        .isLessThanOrEqualTo(status.getRaftIndex()));
        assertThat(etcd34.getField(9).getVarintList()).as("dbSizeInUse").singleElement()
                .satisfies(inUse -> assertThat(inUse).isPositive());
        assertThat(etcd34.hasField(8)).as("no errors").isFalse();

        var maintenance = client.getMaintenanceClient();
        long revision = put("hash/k", "1");
        long hash = maintenance.hashKV(member.url(), revision).get().getHash();
        assertThat(maintenance.hashKV(member.url(), revision).get().getHash()).isEqualTo(hash);
        long next = put("hash/k", "2");
        assertThat(maintenance.hashKV(member.url(), next).get().getHash()).isNotEqualTo(hash);
        assertThat(maintenance.hashKV(member.url(), revision).get().getHash()).isEqualTo(hash);
        assertThat(MaintenanceGrpc.newBlockingStub(channel).hash(
                io.etcd.jetcd.api.HashRequest.getDefaultInstance()).getHeader().getRevision())
                .isGreaterThanOrEqualTo(next);
        assertThat(maintenance.defragmentMember(member.url()).get()).isNotNull();
        assertThat(kv.get(bytes("hash/k")).get().getKvs().get(0).getValue().toString())
                .isEqualTo("2");
        var members = client.getClusterClient().listMember().get().getMembers();
        assertThat(members).singleElement().satisfies(m -> {
            assertThat(m.getName()).isEqualTo("jetcd");
            assertThat(m.getClientURIs().toString()).contains(member.url());
        });
    }

    @Test
    void aSnapshotRestoresIntoANewMember() throws Exception {
        put("snap/a", "1");
        long revision = put("snap/b", "2");
        Path file = work.resolve("member.snapshot");
        try (OutputStream out = Files.newOutputStream(file)) {
            assertThat(client.getMaintenanceClient().snapshot(out).get()).isPositive();
        }
        Path restored = work.resolve("restored");
        MemberProcess.ProcessResult result = MemberProcess.runJar(Duration.ofSeconds(60),
                "snapshot", "restore", file.toString(), "--name", "restored", "--data-dir",
                restored.toString(), "--initial-cluster", "restored=http://127.0.0.1:1",
                "--initial-advertise-peer-urls", "http://127.0.0.1:1");
        assertThat(result.exitStatus()).as(result.output()).isZero();
        assertThat(result.output()).contains("restored snapshot");
        try (MemberProcess copy = MemberProcess.start(restored, List.of("--name", "restored"));
                Client copyClient = Client.builder().endpoints(copy.url()).build()) {
            GetResponse found = copyClient.getKVClient().get(bytes("snap/"), GetOption.builder()
                    .isPrefix(true).build()).get();
            assertThat(keys(found)).containsExactly("snap/a", "snap/b");
            assertThat(found.getHeader().getRevision()).isGreaterThanOrEqualTo(revision);
            long after = copyClient.getKVClient().put(bytes("snap/c"), bytes("3")).get()
                    .getHeader().getRevision();
            assertThat(after).isEqualTo(found.getHeader().getRevision() + 1);
            assertThat(copyClient.getClusterClient().listMember().get().getMembers())
                    .singleElement().satisfies(m -> assertThat(m.getName()).isEqualTo("restored"));
        }
        // A file whose hash does not match is refused, and nothing is left behind.
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Path damaged = work.resolve("damaged.snapshot");
        Files.write(damaged, bytes);
        MemberProcess.ProcessResult refused = MemberProcess.runJar(Duration.ofSeconds(60),
                "snapshot", "restore", damaged.toString(), "--data-dir",
                work.resolve("never").toString());
        assertThat(refused.exitStatus()).isEqualTo(1);
        assertThat(refused.output()).contains("Error: expected sha256 [");
        assertThat(work.resolve("never")).doesNotExist();
    }
}
