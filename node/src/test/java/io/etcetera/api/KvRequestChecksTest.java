package io.etcetera.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * etcd's KV request checks: the rules of {@code v3rpc/key.go}, including those etcdctl cannot send
 * (nested transactions, empty operations), which the differential {@link EtcdErrorTest} therefore
 * cannot reach.
 */
class KvRequestChecksTest {

    private final KvRequestChecks checks = new KvRequestChecks(128);

    private static ByteString key(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static RequestOp put(String key) {
        return RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder().setKey(key(key)).setValue(key("v")))
                .build();
    }

    private static RequestOp delete(String key, String rangeEnd) {
        return RequestOp.newBuilder()
                .setRequestDeleteRange(
                        DeleteRangeRequest.newBuilder().setKey(key(key)).setRangeEnd(key(rangeEnd)))
                .build();
    }

    private static RequestOp nested(List<RequestOp> success, List<RequestOp> failure) {
        return RequestOp.newBuilder()
                .setRequestTxn(
                        TxnRequest.newBuilder().addAllSuccess(success).addAllFailure(failure))
                .build();
    }

    private EtcdError check(RequestOp... success) {
        return checks.checkTxn(TxnRequest.newBuilder().addAllSuccess(List.of(success)).build());
    }

    @Test
    void singleRequestsNeedAKeyAndNoValueOrLeaseTheyIgnore() {
        assertThat(KvRequestChecks.checkRange(RangeRequest.getDefaultInstance()))
                .isEqualTo(EtcdError.EMPTY_KEY);
        assertThat(KvRequestChecks.checkDeleteRange(DeleteRangeRequest.getDefaultInstance()))
                .isEqualTo(EtcdError.EMPTY_KEY);
        PutRequest.Builder put = PutRequest.newBuilder().setKey(key("k"));
        assertThat(KvRequestChecks.checkPut(put.build())).isNull();
        assertThat(
                        KvRequestChecks.checkPut(
                                put.clone().setIgnoreValue(true).setValue(key("v")).build()))
                .isEqualTo(EtcdError.VALUE_PROVIDED);
        assertThat(KvRequestChecks.checkPut(put.clone().setIgnoreLease(true).setLease(7).build()))
                .isEqualTo(EtcdError.LEASE_PROVIDED);
        assertThat(KvRequestChecks.checkPut(put.clone().setIgnoreValue(true).build())).isNull();
    }

    @Test
    void eachBranchMayHoldMaxTxnOpsAndNestedTxnsShareWhatIsLeft() {
        List<RequestOp> full = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            full.add(put("k" + i));
        }
        TxnRequest.Builder txn = TxnRequest.newBuilder().addAllSuccess(full).addAllFailure(full);
        assertThat(checks.checkTxn(txn.build())).isNull();
        assertThat(checks.checkTxn(txn.addSuccess(put("one-more")).build()))
                .isEqualTo(EtcdError.TOO_MANY_OPS);
        // 100 puts and a nested txn make 101 ops at the top, which leaves 27 to the nested one.
        List<RequestOp> outer = new ArrayList<>(full.subList(0, 100));
        outer.add(nested(full.subList(101, 128), List.of()));
        assertThat(check(outer.toArray(RequestOp[]::new))).isNull();
        outer.set(100, nested(full.subList(100, 128), List.of()));
        assertThat(check(outer.toArray(RequestOp[]::new)))
                .as("28 nested ops but only 27 left")
                .isEqualTo(EtcdError.TOO_MANY_OPS);
    }

    @Test
    void aKeyIsWrittenOncePerTransaction() {
        assertThat(check(put("a"), put("b"))).isNull();
        assertThat(check(put("a"), put("a"))).isEqualTo(EtcdError.DUPLICATE_KEY);
        assertThat(check(delete("a", "c"), put("b"))).isEqualTo(EtcdError.DUPLICATE_KEY);
        assertThat(check(delete("a", "c"), put("c"))).as("range end is exclusive").isNull();
        assertThat(check(delete("b", ""), put("b"))).isEqualTo(EtcdError.DUPLICATE_KEY);
        assertThat(check(delete("a", "\0"), put("b")))
                .as("etcd's interval check sees [a, \\0) as empty")
                .isNull();
    }

    @Test
    void nestedBranchesMayPutTheSameKeyButNotAKeyPutOutside() {
        assertThat(check(nested(List.of(put("k")), List.of(put("k"))))).isNull();
        assertThat(check(nested(List.of(put("k")), List.of()), put("k")))
                .isEqualTo(EtcdError.DUPLICATE_KEY);
        assertThat(check(nested(List.of(), List.of(put("k"))), delete("a", "z")))
                .isEqualTo(EtcdError.DUPLICATE_KEY);
        assertThat(check(nested(List.of(delete("a", "z")), List.of()), put("k")))
                .isEqualTo(EtcdError.DUPLICATE_KEY);
    }

    @Test
    void emptyOperationsAndComparesWithoutKeysAreRefused() {
        assertThat(check(RequestOp.getDefaultInstance())).isEqualTo(EtcdError.KEY_NOT_FOUND);
        assertThat(
                        checks.checkTxn(
                                TxnRequest.newBuilder()
                                        .addCompare(Compare.getDefaultInstance())
                                        .build()))
                .isEqualTo(EtcdError.EMPTY_KEY);
    }

    /**
     * A naive oracle for flat transactions, in any order of operations: two puts of one key, or a
     * put inside a deleted range ({@code [key, end)}, or the key alone when {@code end} is empty).
     */
    private static boolean naivelyDuplicate(List<String[]> ops) {
        List<String> puts =
                ops.stream().filter(op -> op[0].equals("put")).map(op -> op[1]).toList();
        if (puts.stream().distinct().count() < puts.size()) {
            return true;
        }
        for (String[] delete : ops.stream().filter(op -> op[0].equals("del")).toList()) {
            for (String put : puts) {
                boolean inside =
                        delete[2].isEmpty()
                                ? put.equals(delete[1])
                                : put.compareTo(delete[1]) >= 0 && put.compareTo(delete[2]) < 0;
                if (inside) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void flatTransactionsAgreeWithANaiveOracleOnSeededRandomInput() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 2000; round++) {
            List<String[]> ops = new ArrayList<>();
            List<RequestOp> requests = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                String k = String.valueOf((char) ('a' + random.nextInt(6)));
                if (random.nextBoolean()) {
                    ops.add(new String[] {"put", k});
                    requests.add(put(k));
                } else {
                    String end =
                            random.nextInt(3) == 0
                                    ? ""
                                    : String.valueOf((char) ('a' + random.nextInt(7)));
                    ops.add(new String[] {"del", k, end});
                    requests.add(delete(k, end));
                }
            }
            EtcdError expected = naivelyDuplicate(ops) ? EtcdError.DUPLICATE_KEY : null;
            assertThat(check(requests.toArray(RequestOp[]::new)))
                    .as("round %d: %s", round, requests)
                    .isEqualTo(expected);
        }
    }
}
