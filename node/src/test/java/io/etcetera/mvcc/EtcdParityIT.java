package io.etcetera.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;

import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcetera.api.RealEtcd;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The same random requests sent to a real etcd 3.4 over gRPC and applied to the store: every
 * response (headers without cluster, member and term), every error, and HashKV after every request
 * must be equal.
 */
class EtcdParityIT {

    private static final long SEED = 20261125;
    private static final int REQUESTS = 200;

    @TempDir Path tempDir;

    @Test
    void storeAnswersAsEtcdDoes() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        RandomRequests requests = new RandomRequests(random);
        Set<Long> leases = new HashSet<>();
        try (RealEtcd etcd = RealEtcd.start();
                MvccStore store = MvccStore.open(tempDir.resolve("store"))) {
            ManagedChannel channel =
                    ManagedChannelBuilder.forAddress("127.0.0.1", etcd.clientPort())
                            .usePlaintext()
                            .build();
            try {
                var kv = KVGrpc.newBlockingStub(channel);
                var lease = LeaseGrpc.newBlockingStub(channel);
                var maintenance = MaintenanceGrpc.newBlockingStub(channel);
                for (long id : List.of(1L, 2L)) {
                    lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(3600).build());
                    leases.add(id);
                }
                long index = 0;
                for (int i = 0; i < REQUESTS; i++) {
                    try (ApplyBatch batch = store.beginBatch(leases::contains)) {
                        int pick = random.nextInt(100);
                        if (pick < 30) {
                            var put = requests.put();
                            same(() -> kv.put(put), () -> batch.put(put));
                        } else if (pick < 42) {
                            var delete = requests.deleteRange();
                            same(() -> kv.deleteRange(delete), () -> batch.deleteRange(delete));
                        } else if (pick < 80) {
                            TxnRequest txn = requests.txn(store.state().revision());
                            same(() -> kv.txn(txn), () -> batch.txn(txn));
                        } else if (pick < 85) {
                            var compact =
                                    requests.compact(
                                            store.state().compactRevision(),
                                            store.state().revision());
                            // physical: etcd answers once its compaction is done, as a reopened
                            // etcd would hash (see KvHasher)
                            same(
                                    () -> kv.compact(compact.toBuilder().setPhysical(true).build()),
                                    () -> batch.compact(compact));
                        } else if (pick < 87 && !leases.isEmpty()) {
                            long id = leases.iterator().next();
                            lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
                            batch.revokeLease(id);
                            leases.remove(id);
                        }
                        batch.commit(++index, 1);
                    }
                    RangeRequest range = requests.range(store.state().revision());
                    same(() -> kv.range(range), () -> store.range(range));
                    long at = random.nextInt(2) == 0 ? 0 : store.state().revision();
                    same(
                            () ->
                                    maintenance.hashKV(
                                            HashKVRequest.newBuilder().setRevision(at).build()),
                            () -> hashKvResponse(store.hashKv(at)));
                }
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static HashKVResponse hashKvResponse(KvHash hash) {
        return HashKVResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(hash.revision()))
                .setHash(hash.hash())
                .setCompactRevision(hash.compactRevision())
                .build();
    }

    /** Equal responses once etcd's cluster, member and term are cleared, or matching errors. */
    private static void same(Supplier<? extends Message> etcd, Supplier<? extends Message> store) {
        Message expected;
        try {
            expected = withoutMembership(etcd.get());
        } catch (StatusRuntimeException e) {
            Class<? extends MvccException> kind = errorKind(e.getStatus().getDescription());
            try {
                store.get();
            } catch (MvccException refusal) {
                assertThat(refusal).isInstanceOf(kind);
                return;
            }
            throw new AssertionError("etcd refused with " + e.getStatus() + ", the store did not");
        }
        assertThat(store.get()).isEqualTo(expected);
    }

    private static Class<? extends MvccException> errorKind(String description) {
        if (description.contains("compacted")) {
            return CompactedException.class;
        }
        if (description.contains("future revision")) {
            return FutureRevisionException.class;
        }
        if (description.contains("lease not found")) {
            return LeaseNotFoundException.class;
        }
        if (description.contains("key not found")) {
            return KeyNotFoundException.class;
        }
        throw new AssertionError("unexpected etcd error: " + description);
    }

    private static Message withoutMembership(Message response) {
        Message.Builder builder = response.toBuilder();
        var headerField = builder.getDescriptorForType().findFieldByName("header");
        var header =
                ((ResponseHeader) builder.getField(headerField))
                        .toBuilder().clearClusterId().clearMemberId().clearRaftTerm().build();
        return builder.setField(headerField, header).build();
    }
}
