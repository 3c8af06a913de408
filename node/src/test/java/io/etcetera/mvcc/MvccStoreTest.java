package io.etcetera.mvcc;

import static io.etcetera.mvcc.RandomRequests.bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** etcd's KV semantics, one behaviour per test; expectations checked against etcd 3.4.23. */
class MvccStoreTest {

    private static final Set<Long> LEASES = Set.of(7L, 8L);

    @TempDir Path directory;

    private MvccStore store;
    private long index;

    @BeforeEach
    void open() {
        store = MvccStore.open(directory);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<Event> apply(Consumer<ApplyBatch> requests) {
        try (ApplyBatch batch = store.beginBatch(LEASES::contains)) {
            requests.accept(batch);
            return batch.commit(++index, 1);
        }
    }

    private static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    private static RangeRequest get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    private static RangeRequest range(String key, String end) {
        return RangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(end)).build();
    }

    private KeyValue only(RangeRequest request) {
        RangeResponse response = store.range(request);
        assertThat(response.getKvsCount()).isEqualTo(1);
        return response.getKvs(0);
    }

    private static List<String> keys(RangeResponse response) {
        return response.getKvsList().stream()
                .map(kv -> kv.getKey().toString(java.nio.charset.StandardCharsets.ISO_8859_1))
                .toList();
    }

    @Test
    void emptyStoreIsAtRevisionOneAndFirstPutGetsTwo() {
        assertThat(store.state()).isEqualTo(new StoreState(0, 0, 1, -1));
        assertThat(store.range(get("a")).getHeader().getRevision()).isEqualTo(1);
        apply(b -> assertThat(b.put(put("a", "1")).getHeader().getRevision()).isEqualTo(2));
        apply(
                b ->
                        assertThat(
                                        b.put(put("a", "2").toBuilder().setPrevKv(true).build())
                                                .getPrevKv()
                                                .getValue())
                                .isEqualTo(bytes("1")));
        assertThat(only(get("a")))
                .isEqualTo(
                        KeyValue.newBuilder()
                                .setKey(bytes("a"))
                                .setValue(bytes("2"))
                                .setCreateRevision(2)
                                .setModRevision(3)
                                .setVersion(2)
                                .build());
        assertThat(only(get("a").toBuilder().setRevision(2).build()).getValue())
                .isEqualTo(bytes("1"));
    }

    @Test
    void keyRecreatedAfterDeleteStartsAgainAtVersionOne() {
        apply(b -> b.put(put("k", "v1")));
        apply(b -> b.put(put("k", "v2")));
        apply(b -> b.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build()));
        apply(b -> b.put(put("k", "v3")));
        KeyValue kv = only(get("k"));
        assertThat(kv.getVersion()).isEqualTo(1);
        assertThat(kv.getCreateRevision()).isEqualTo(5);
        assertThat(store.range(get("k").toBuilder().setRevision(4).build()).getKvsCount()).isZero();
        assertThat(only(get("k").toBuilder().setRevision(3).build()).getVersion()).isEqualTo(2);
    }

    @Test
    void ignoreFlagsKeepValueOrLeaseAndNeedAnExistingKey() {
        apply(b -> b.put(put("a", "1").toBuilder().setLease(7).build()));
        apply(
                b -> {
                    b.put(
                            PutRequest.newBuilder()
                                    .setKey(bytes("a"))
                                    .setIgnoreValue(true)
                                    .setLease(8)
                                    .build());
                    assertThatThrownBy(
                                    () ->
                                            b.put(
                                                    PutRequest.newBuilder()
                                                            .setKey(bytes("nope"))
                                                            .setIgnoreValue(true)
                                                            .build()))
                            .isInstanceOf(KeyNotFoundException.class);
                    assertThatThrownBy(
                                    () ->
                                            b.put(
                                                    PutRequest.newBuilder()
                                                            .setKey(bytes("nope"))
                                                            .setIgnoreLease(true)
                                                            .build()))
                            .isInstanceOf(KeyNotFoundException.class);
                    b.put(
                            PutRequest.newBuilder()
                                    .setKey(bytes("a"))
                                    .setValue(bytes("2"))
                                    .setIgnoreLease(true)
                                    .build());
                });
        KeyValue kv = only(get("a"));
        assertThat(kv.getValue()).isEqualTo(bytes("2"));
        assertThat(kv.getLease()).isEqualTo(8);
        assertThat(kv.getVersion()).isEqualTo(3);
        assertThat(store.state().revision()).isEqualTo(4);
    }

    @Test
    void unknownLeaseIsRefusedAndTheBatchGoesOn() {
        List<Event> events =
                apply(
                        b -> {
                            assertThatThrownBy(
                                            () ->
                                                    b.put(
                                                            put("a", "1").toBuilder()
                                                                    .setLease(99)
                                                                    .build()))
                                    .isInstanceOf(LeaseNotFoundException.class);
                            b.put(put("b", "1"));
                        });
        assertThat(events).hasSize(1);
        assertThat(store.state().revision()).isEqualTo(2);
        assertThat(store.range(get("a")).getCount()).isZero();
    }

    @Test
    void deleteRangeDeletesAtOneRevisionAndNothingDeletedTakesNone() {
        apply(
                b -> {
                    b.put(put("a", "1"));
                    b.put(put("ab", "2"));
                    b.put(put("b", "3"));
                });
        var response = store.range(range("a", "b"));
        assertThat(response.getCount()).isEqualTo(2);
        List<Event> events =
                apply(
                        b -> {
                            var deleted =
                                    b.deleteRange(
                                            DeleteRangeRequest.newBuilder()
                                                    .setKey(bytes("a"))
                                                    .setRangeEnd(bytes("b"))
                                                    .setPrevKv(true)
                                                    .build());
                            assertThat(deleted.getDeleted()).isEqualTo(2);
                            assertThat(deleted.getPrevKvsList()).isEqualTo(response.getKvsList());
                            assertThat(deleted.getHeader().getRevision()).isEqualTo(5);
                            var none =
                                    b.deleteRange(
                                            DeleteRangeRequest.newBuilder()
                                                    .setKey(bytes("zz"))
                                                    .build());
                            assertThat(none.getDeleted()).isZero();
                            assertThat(none.getHeader().getRevision()).isEqualTo(5);
                        });
        assertThat(events).extracting(e -> e.getKv().getModRevision()).containsExactly(5L, 5L);
        assertThat(events.get(0).getKv())
                .isEqualTo(KeyValue.newBuilder().setKey(bytes("a")).setModRevision(5).build());
        assertThat(events.get(0).getType()).isEqualTo(Event.EventType.DELETE);
        assertThat(events.get(0).getPrevKv().getValue()).isEqualTo(bytes("1"));
        assertThat(store.state().revision()).isEqualTo(5);
    }

    @Test
    void rangeFormsLimitsAndCounts() {
        apply(
                b -> {
                    for (String key : List.of("a", "a\0", "ab", "b", "c")) {
                        b.put(put(key, key));
                    }
                });
        assertThat(keys(store.range(get("a")))).containsExactly("a");
        assertThat(keys(store.range(range("a", "b")))).containsExactly("a", "a\0", "ab");
        assertThat(keys(store.range(range("ab", "\0")))).containsExactly("ab", "b", "c");
        assertThat(keys(store.range(range("\0", "\0")))).hasSize(5);
        assertThat(store.range(range("b", "a")).getCount()).isZero();
        RangeResponse limited = store.range(range("a", "\0").toBuilder().setLimit(2).build());
        assertThat(keys(limited)).containsExactly("a", "a\0");
        assertThat(limited.getMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(5);
        RangeResponse counted =
                store.range(range("a", "\0").toBuilder().setCountOnly(true).build());
        assertThat(counted.getKvsCount()).isZero();
        assertThat(counted.getCount()).isEqualTo(5);
        RangeResponse keysOnly = store.range(get("c").toBuilder().setKeysOnly(true).build());
        assertThat(keysOnly.getKvs(0).getValue()).isEmpty();
    }

    @Test
    void sortAndFiltersFollowEtcdQuirks() {
        apply(b -> b.put(put("d", "v")));
        apply(b -> b.put(put("a", "z")));
        apply(b -> b.put(put("b", "y")));
        apply(b -> b.put(put("c", "x")));
        apply(b -> b.put(put("a", "w")));
        RangeRequest all = range("a", "\0");
        RangeResponse byValueDescending =
                store.range(
                        all.toBuilder()
                                .setSortOrder(RangeRequest.SortOrder.DESCEND)
                                .setSortTarget(RangeRequest.SortTarget.VALUE)
                                .setLimit(2)
                                .build());
        assertThat(keys(byValueDescending)).containsExactly("b", "c");
        assertThat(byValueDescending.getMore()).isTrue();
        // Target other than KEY with order NONE sorts ascending, but only the limit + 1 keys
        // fetched in key order: d, the oldest, is not among them.
        RangeResponse byModNone =
                store.range(
                        all.toBuilder()
                                .setSortTarget(RangeRequest.SortTarget.MOD)
                                .setLimit(2)
                                .build());
        assertThat(keys(byModNone)).containsExactly("b", "c");
        // count ignores the min/max filters.
        RangeResponse filtered = store.range(all.toBuilder().setMinModRevision(5).build());
        assertThat(keys(filtered)).containsExactly("a", "c");
        assertThat(filtered.getCount()).isEqualTo(4);
        RangeResponse created = store.range(all.toBuilder().setMaxCreateRevision(3).build());
        assertThat(keys(created)).containsExactly("a", "d");
    }

    @Test
    void txnResponsesCarryTheRevisionEachOpSaw() {
        apply(b -> b.put(put("a", "1")));
        TxnRequest txn =
                TxnRequest.newBuilder()
                        .addSuccess(RequestOp.newBuilder().setRequestRange(get("a")))
                        .addSuccess(RequestOp.newBuilder().setRequestPut(put("b", "2")))
                        .addSuccess(RequestOp.newBuilder().setRequestRange(get("b")))
                        .addSuccess(
                                RequestOp.newBuilder()
                                        .setRequestDeleteRange(
                                                DeleteRangeRequest.newBuilder()
                                                        .setKey(bytes("zz"))))
                        .addSuccess(
                                RequestOp.newBuilder()
                                        .setRequestTxn(
                                                TxnRequest.newBuilder()
                                                        .addSuccess(
                                                                RequestOp.newBuilder()
                                                                        .setRequestRange(
                                                                                get("b")))))
                        .build();
        TxnResponse[] response = new TxnResponse[1];
        apply(b -> response[0] = b.txn(txn));
        // As etcd 3.4.23 answers the same txn after "put a 1".
        assertThat(response[0].getHeader().getRevision()).isEqualTo(3);
        assertThat(response[0].getSucceeded()).isTrue();
        assertThat(response[0].getResponses(0).getResponseRange().getHeader().getRevision())
                .isEqualTo(2);
        assertThat(response[0].getResponses(1).getResponsePut().getHeader().getRevision())
                .isEqualTo(3);
        assertThat(response[0].getResponses(2).getResponseRange().getKvs(0).getModRevision())
                .isEqualTo(3);
        assertThat(response[0].getResponses(3).getResponseDeleteRange().getHeader().getRevision())
                .isEqualTo(3);
        TxnResponse nested = response[0].getResponses(4).getResponseTxn();
        assertThat(nested.getHeader()).isEqualTo(ResponseHeader.getDefaultInstance());
        assertThat(nested.hasHeader()).isTrue();
        assertThat(nested.getResponses(0).getResponseRange().getHeader().getRevision())
                .isEqualTo(3);
    }

    @Test
    void txnThatChangesNothingTakesNoRevision() {
        apply(b -> b.put(put("a", "1")));
        TxnRequest readOnly =
                TxnRequest.newBuilder()
                        .addCompare(
                                Compare.newBuilder()
                                        .setKey(bytes("a"))
                                        .setTarget(Compare.CompareTarget.VALUE)
                                        .setResult(Compare.CompareResult.EQUAL)
                                        .setValue(bytes("1")))
                        .addSuccess(RequestOp.newBuilder().setRequestRange(get("a")))
                        .addFailure(RequestOp.newBuilder().setRequestPut(put("a", "2")))
                        .build();
        apply(
                b -> {
                    TxnResponse response = b.txn(readOnly);
                    assertThat(response.getSucceeded()).isTrue();
                    assertThat(response.getHeader().getRevision()).isEqualTo(2);
                    TxnResponse deletesNothing =
                            b.txn(
                                    TxnRequest.newBuilder()
                                            .addSuccess(
                                                    RequestOp.newBuilder()
                                                            .setRequestDeleteRange(
                                                                    DeleteRangeRequest.newBuilder()
                                                                            .setKey(bytes("zz"))))
                                            .build());
                    assertThat(deletesNothing.getHeader().getRevision()).isEqualTo(2);
                });
        assertThat(store.state().revision()).isEqualTo(2);
        try (ReadView view = store.view()) {
            TxnRequest ranges = readOnly.toBuilder().clearFailure().build();
            TxnResponse response = view.txn(ranges);
            assertThat(response.getResponses(0).getResponseRange().getKvs(0).getValue())
                    .isEqualTo(bytes("1"));
            assertThat(response.getHeader().getRevision()).isEqualTo(2);
            assertThatThrownBy(() -> view.txn(readOnly)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void putAndFromKeyDeleteOfOneKeyInOneTxnBothHappenAtOneRevision() {
        // etcd's duplicate check lets this through; etcd 3.4.23 answers as asserted here.
        TxnRequest txn =
                TxnRequest.newBuilder()
                        .addSuccess(RequestOp.newBuilder().setRequestPut(put("y/b", "1")))
                        .addSuccess(
                                RequestOp.newBuilder()
                                        .setRequestDeleteRange(
                                                DeleteRangeRequest.newBuilder()
                                                        .setKey(bytes("y/a"))
                                                        .setRangeEnd(bytes("\0"))
                                                        .setPrevKv(true)))
                        .build();
        List<Event> events =
                apply(
                        b -> {
                            var deleted = b.txn(txn).getResponses(1).getResponseDeleteRange();
                            assertThat(deleted.getHeader().getRevision()).isEqualTo(2);
                            assertThat(deleted.getPrevKvsList())
                                    .extracting(KeyValue::getVersion)
                                    .containsExactly(1L);
                        });
        assertThat(events)
                .extracting(Event::getType)
                .containsExactly(Event.EventType.PUT, Event.EventType.DELETE);
        assertThat(store.range(get("y/b")).getCount()).isZero();
        try (ReadView view = store.view()) {
            assertThat(view.events(2, bytes("y/b"), ByteString.EMPTY, 10).events())
                    .isEqualTo(events);
        }
        apply(b -> b.put(put("y/b", "2")));
        assertThat(only(get("y/b")).getCreateRevision()).isEqualTo(3);
    }

    @Test
    void txnComparesOnLeaseAsEtcdEncodesThem() throws Exception {
        apply(b -> b.put(put("a", "1").toBuilder().setLease(7).build()));
        // etcd's Compare{key:"a", target:LEASE(4), result:EQUAL, lease:7} as etcd marshals it.
        byte[] wire = {0x10, 0x04, 0x1a, 0x01, 'a', 0x40, 0x07};
        Compare leaseIsSeven = Compare.parseFrom(wire);
        assertThat(leaseIsSeven)
                .isEqualTo(CompareTarget.leaseCompare(bytes("a"), Compare.CompareResult.EQUAL, 7));
        Compare missingKeyLeaseIsZero =
                CompareTarget.leaseCompare(bytes("b"), Compare.CompareResult.EQUAL, 0);
        apply(
                b -> {
                    assertThat(
                                    b.txn(TxnRequest.newBuilder().addCompare(leaseIsSeven).build())
                                            .getSucceeded())
                            .isTrue();
                    assertThat(
                                    b.txn(
                                                    TxnRequest.newBuilder()
                                                            .addCompare(missingKeyLeaseIsZero)
                                                            .build())
                                            .getSucceeded())
                            .isTrue();
                    Compare leaseIsEight =
                            CompareTarget.leaseCompare(bytes("a"), Compare.CompareResult.EQUAL, 8);
                    assertThat(
                                    b.txn(TxnRequest.newBuilder().addCompare(leaseIsEight).build())
                                            .getSucceeded())
                            .isFalse();
                });
    }

    @Test
    void valueCompareOnMissingKeyFailsButVersionCompareSeesZero() {
        Compare valueEmpty =
                Compare.newBuilder()
                        .setKey(bytes("x"))
                        .setTarget(Compare.CompareTarget.VALUE)
                        .setResult(Compare.CompareResult.EQUAL)
                        .setValue(ByteString.EMPTY)
                        .build();
        Compare versionZero =
                Compare.newBuilder()
                        .setKey(bytes("x"))
                        .setTarget(Compare.CompareTarget.VERSION)
                        .setResult(Compare.CompareResult.EQUAL)
                        .setVersion(0)
                        .build();
        try (ReadView view = store.view()) {
            assertThat(
                            view.txn(TxnRequest.newBuilder().addCompare(valueEmpty).build())
                                    .getSucceeded())
                    .isFalse();
            assertThat(
                            view.txn(TxnRequest.newBuilder().addCompare(versionZero).build())
                                    .getSucceeded())
                    .isTrue();
        }
    }

    @Test
    void compactionRefusesOldAndFutureRevisionsAndHidesOldReads() {
        apply(
                b -> {
                    b.compact(CompactionRequest.newBuilder().setRevision(0).build());
                    assertThatThrownBy(
                                    () ->
                                            b.compact(
                                                    CompactionRequest.newBuilder()
                                                            .setRevision(0)
                                                            .build()))
                            .isInstanceOf(CompactedException.class);
                    b.put(put("a", "1"));
                    b.put(put("a", "2"));
                    b.put(put("a", "3"));
                    assertThatThrownBy(
                                    () ->
                                            b.compact(
                                                    CompactionRequest.newBuilder()
                                                            .setRevision(5)
                                                            .build()))
                            .isInstanceOf(FutureRevisionException.class);
                    assertThat(
                                    b.compact(CompactionRequest.newBuilder().setRevision(3).build())
                                            .getHeader()
                                            .getRevision())
                            .isEqualTo(4);
                });
        assertThat(store.state().compactRevision()).isEqualTo(3);
        assertThatThrownBy(() -> store.range(get("a").toBuilder().setRevision(2).build()))
                .isInstanceOf(CompactedException.class);
        assertThatThrownBy(() -> store.range(get("a").toBuilder().setRevision(5).build()))
                .isInstanceOf(FutureRevisionException.class);
        assertThat(only(get("a").toBuilder().setRevision(3).build()).getValue())
                .isEqualTo(bytes("2"));
        assertThat(store.compactStep(100).isDone()).isTrue();
        assertThat(only(get("a").toBuilder().setRevision(3).build()).getValue())
                .isEqualTo(bytes("2"));
        assertThatThrownBy(() -> store.hashKv(3)).isInstanceOf(CompactedException.class);
    }

    @Test
    void eventsReplayInPagesThatNeverSplitARevision() {
        apply(b -> b.put(put("a", "1")));
        apply(
                b ->
                        b.txn(
                                TxnRequest.newBuilder()
                                        .addSuccess(
                                                RequestOp.newBuilder().setRequestPut(put("a", "2")))
                                        .addSuccess(
                                                RequestOp.newBuilder().setRequestPut(put("b", "2")))
                                        .build()));
        apply(b -> b.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("a")).build()));
        try (ReadView view = store.view()) {
            EventPage first = view.events(2, bytes("a"), bytes("\0"), 2);
            assertThat(first.events()).hasSize(3);
            assertThat(first.complete()).isFalse();
            assertThat(first.nextRevision()).isEqualTo(4);
            assertThat(first.events().get(1).getPrevKv().getValue()).isEqualTo(bytes("1"));
            assertThat(first.events().get(2).hasPrevKv()).isFalse();
            EventPage second = view.events(first.nextRevision(), bytes("a"), bytes("\0"), 2);
            assertThat(second.complete()).isTrue();
            assertThat(second.events())
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getType()).isEqualTo(Event.EventType.DELETE);
                                assertThat(e.getPrevKv().getValue()).isEqualTo(bytes("2"));
                            });
            assertThat(view.events(2, bytes("b"), ByteString.EMPTY, 10).events()).hasSize(1);
        }
    }

    @Test
    void revokingALeaseDeletesItsKeysAtOneRevision() {
        apply(
                b -> {
                    b.put(put("x", "1").toBuilder().setLease(7).build());
                    b.put(put("y", "1").toBuilder().setLease(7).build());
                    b.put(put("z", "1").toBuilder().setLease(7).build());
                    b.put(put("z", "2")); // moves z off the lease
                });
        try (ReadView view = store.view()) {
            assertThat(view.leaseKeys(7)).containsExactly(bytes("x"), bytes("y"));
        }
        List<Event> events = apply(b -> assertThat(b.revokeLease(7)).isEqualTo(6));
        assertThat(events)
                .extracting(e -> e.getKv().getKey())
                .containsExactly(bytes("x"), bytes("y"));
        assertThat(events).allSatisfy(e -> assertThat(e.getKv().getModRevision()).isEqualTo(6));
        assertThat(keys(store.range(range("x", "\0")))).containsExactly("z");
        try (ReadView view = store.view()) {
            assertThat(view.leaseKeys(7)).isEmpty();
        }
    }

    @Test
    void stateAndHistorySurviveReopen() {
        apply(b -> b.put(put("a", "1")));
        apply(b -> b.put(put("a", "2")));
        apply(b -> b.compact(CompactionRequest.newBuilder().setRevision(2).build()));
        KvHash hash = store.hash();
        store.close();
        store = MvccStore.open(directory);
        assertThat(store.state()).isEqualTo(new StoreState(3, 1, 3, 2));
        assertThat(only(get("a").toBuilder().setRevision(2).build()).getValue())
                .isEqualTo(bytes("1"));
        assertThat(store.hash()).isEqualTo(hash);
    }

    @Test
    void openViewsKeepTheirRevisionWhileLaterBatchesCommit() {
        apply(b -> b.put(put("a", "1")));
        try (ReadView before = store.view();
                ApplyBatch batch = store.beginBatch(LEASES::contains)) {
            batch.put(put("a", "2"));
            try (ReadView during = store.view()) {
                assertThat(during.range(get("a")).getKvs(0).getValue()).isEqualTo(bytes("1"));
            }
            batch.commit(++index, 1);
            assertThat(before.revision()).isEqualTo(2);
            assertThat(before.range(get("a")).getKvs(0).getValue()).isEqualTo(bytes("1"));
            assertThatThrownBy(() -> before.range(get("a").toBuilder().setRevision(3).build()))
                    .isInstanceOf(FutureRevisionException.class);
        }
        assertThat(only(get("a")).getValue()).isEqualTo(bytes("2"));
    }

    @Test
    void recordsCommitWithTheBatchAndSurviveReopen() {
        apply(
                b -> {
                    b.putRecord(bytes("lease/1").toByteArray(), bytes("ttl=10").toByteArray());
                    b.putRecord(bytes("lease/2").toByteArray(), bytes("ttl=20").toByteArray());
                    b.putRecord(bytes("member/9").toByteArray(), bytes("m").toByteArray());
                });
        try (ApplyBatch dropped = store.beginBatch(LEASES::contains)) {
            dropped.putRecord(bytes("lease/3").toByteArray(), bytes("never").toByteArray());
        }
        apply(b -> b.deleteRecord(bytes("lease/1").toByteArray()));
        store.close();
        store = MvccStore.open(directory);
        try (ReadView view = store.view()) {
            assertThat(view.records(bytes("lease/")))
                    .containsExactly(java.util.Map.entry(bytes("lease/2"), bytes("ttl=20")));
        }
    }

    @Test
    void compactionAndDefragmentGiveSpaceBackOnAnIdleStore() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int round = 0; round < 2; round++) {
            apply(
                    b -> {
                        for (int i = 0; i < 2000; i++) {
                            byte[] value = new byte[1000];
                            random.nextBytes(value);
                            b.put(
                                    PutRequest.newBuilder()
                                            .setKey(bytes("k" + i))
                                            .setValue(ByteString.copyFrom(value))
                                            .build());
                        }
                    });
        }
        store.flush();
        store.defragment();
        long before = store.dbSizeBytes();
        long newest = store.state().revision();
        apply(b -> b.compact(CompactionRequest.newBuilder().setRevision(newest).build()));
        while (!store.compactStep(500).isDone()) {
            // bounded steps; no commit in between, as on an idle member
        }
        store.flush();
        store.defragment();
        assertThat(store.dbSizeBytes()).isLessThan(before * 6 / 10);
        assertThat(store.range(range("k", "l")).getCount()).isEqualTo(2000);
    }

    @Test
    void storeWillNotCloseUnderAnOpenView() {
        ReadView view = store.view();
        assertThatThrownBy(store::close).isInstanceOf(IllegalStateException.class);
        view.close();
        assertThatThrownBy(view::close).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void appliedIndexNeverGoesBack() {
        apply(b -> b.put(put("a", "1")));
        try (ApplyBatch batch = store.beginBatch(LEASES::contains)) {
            assertThatThrownBy(() -> batch.commit(index - 1, 1))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(store.state().appliedIndex()).isEqualTo(index);
    }

    @Test
    void quotaAdmitsWritesOnlyBelowItAndDefragmentKeepsSizesConsistent() {
        BackendQuota generous = new BackendQuota(store, 0);
        assertThat(generous.isAvailable(BackendQuota.costBytes(put("a", "1")))).isTrue();
        BackendQuota tiny = new BackendQuota(store, store.dbSizeBytes() + 300);
        assertThat(tiny.isAvailable(BackendQuota.costBytes(put("k", "v")))).isTrue();
        assertThat(tiny.isAvailable(BackendQuota.costBytes(put("k", "v".repeat(100))))).isFalse();
        assertThat(tiny.isAvailable(0)).isTrue();
        assertThat(new BackendQuota(store, -1).isAvailable(Long.MAX_VALUE / 2)).isTrue();
        TxnRequest txn =
                TxnRequest.newBuilder()
                        .addSuccess(RequestOp.newBuilder().setRequestPut(put("a", "12")))
                        .addFailure(RequestOp.newBuilder().setRequestPut(put("a", "1")))
                        .addFailure(RequestOp.newBuilder().setRequestPut(put("b", "1")))
                        .build();
        assertThat(BackendQuota.costBytes(txn)).isEqualTo(2 * (256 + 2));
        store.defragment();
        assertThat(store.dbSizeInUseBytes()).isLessThanOrEqualTo(store.dbSizeBytes());
    }
}
