package io.etcetera.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcetera.lease.pb.LeaseCheckpointRequest;
import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lessor wired to a real mvcc store on RocksDB the way the server wires it: records written
 * through the apply batch, leases checked by the batch through {@link Lessor#exists}, a revoke
 * deleting every attached key at one revision with its record in the same batch, and a restart
 * recovering leases and their checkpoints from the store.
 */
class LessorStoreTest {

    @TempDir Path directory;

    private final FakeClock clock = new FakeClock();
    private final LessorConfig config =
            new LessorConfig(
                    100,
                    10,
                    Duration.ofSeconds(10),
                    LessorConfig.EXPIRED_RETRY_INTERVAL_DEFAULT,
                    LessorConfig.REVOKE_RATE_PER_SECOND_DEFAULT,
                    LessorConfig.REVOKE_BATCH_MAX_DEFAULT,
                    LessorConfig.CHECKPOINT_RATE_PER_SECOND_DEFAULT,
                    LessorConfig.CHECKPOINT_BATCH_MAX_DEFAULT);
    private long appliedIndex;

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static PutRequest put(String key, long lease) {
        return PutRequest.newBuilder()
                .setKey(bytes(key))
                .setValue(bytes("v"))
                .setLease(lease)
                .build();
    }

    private List<Event> apply(MvccStore store, Lessor lessor, Consumer<ApplyBatch> entries) {
        try (ApplyBatch batch = store.beginBatch(lessor::exists)) {
            entries.accept(batch);
            return batch.commit(++appliedIndex, 1);
        }
    }

    private static Lessor open(MvccStore store, LessorConfig config, FakeClock clock) {
        Lessor lessor = new Lessor(config, clock);
        try (ReadView view = store.view()) {
            lessor.recover(view.records(LeaseRecords.PREFIX));
        }
        return lessor;
    }

    private static List<String> keys(MvccStore store) {
        return store
                .range(
                        RangeRequest.newBuilder()
                                .setKey(bytes("\0"))
                                .setRangeEnd(bytes("\0"))
                                .build())
                .getKvsList()
                .stream()
                .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void anExpiredLeaseIsRevokedWithAllItsKeysAtOneRevisionAndItsRecord() {
        try (MvccStore store = MvccStore.open(directory)) {
            Lessor lessor = open(store, config, clock);
            lessor.promote();
            apply(
                    store,
                    lessor,
                    batch -> {
                        lessor.grant(7, 10, batch::putRecord);
                        batch.put(put("a", 7));
                        batch.put(put("b", 7));
                        batch.put(put("c", 0));
                    });
            assertThatThrownBy(() -> apply(store, lessor, batch -> batch.put(put("d", 8))))
                    .isInstanceOf(io.etcetera.mvcc.LeaseNotFoundException.class);
            try (ReadView view = store.view()) {
                assertThat(view.leaseKeys(7)).containsExactly(bytes("a"), bytes("b"));
                assertThat(view.records(LeaseRecords.PREFIX)).hasSize(1);
            }

            clock.advanceSeconds(10);
            long[] expired = lessor.expiredLeases();
            assertThat(expired).containsExactly(7);
            List<Event> events =
                    apply(
                            store,
                            lessor,
                            batch -> {
                                lessor.revoke(7, batch::deleteRecord);
                                batch.revokeLease(7);
                            });

            assertThat(events).extracting(Event::getType).containsOnly(Event.EventType.DELETE);
            assertThat(events)
                    .extracting(event -> event.getKv().getModRevision())
                    .containsExactly(5L, 5L);
            assertThat(keys(store)).containsExactly("c");
            try (ReadView view = store.view()) {
                assertThat(view.leaseKeys(7)).isEmpty();
                assertThat(view.records(LeaseRecords.PREFIX)).isEmpty();
            }
            assertThat(lessor.exists(7)).isFalse();
        }
    }

    @Test
    void aRestartedMemberContinuesLeasesFromTheirPersistedCheckpoints() {
        try (MvccStore store = MvccStore.open(directory)) {
            Lessor lessor = open(store, config, clock);
            lessor.promote();
            apply(
                    store,
                    lessor,
                    batch -> {
                        lessor.grant(1, 60, batch::putRecord);
                        lessor.grant(2, 60, batch::putRecord);
                        batch.put(put("k", 1));
                    });
            clock.advanceSeconds(15);
            LeaseCheckpointRequest due = lessor.dueCheckpoints().orElseThrow();
            assertThat(due.getCheckpointsCount()).isEqualTo(2);
            LeaseCheckpointRequest onlyFirst =
                    LeaseCheckpointRequest.newBuilder()
                            .addCheckpoints(due.getCheckpoints(0))
                            .build();
            apply(store, lessor, batch -> lessor.checkpoint(onlyFirst, batch::putRecord));
            lessor.demote();
        }

        try (MvccStore store = MvccStore.open(directory)) {
            Lessor restarted = open(store, config, clock);
            assertThat(restarted.leases()).containsExactly(1, 2);
            restarted.promote();
            // Lease 1 was checkpointed with 45 s left, and a new leader adds an election timeout;
            // lease 2's checkpoint was never applied, so it starts again from its full TTL.
            assertThat(restarted.timeToLive(1).remainingTtlSeconds()).isEqualTo(46);
            assertThat(restarted.timeToLive(2).remainingTtlSeconds()).isEqualTo(61);
            assertThat(keys(store)).containsExactly("k");
        }
    }
}
