package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;

import java.util.SplittableRandom;

/**
 * Random etcd KV requests over a small key space, for property tests: keys with 0x00 and 0xFF bytes
 * and shared prefixes, every range form, every range option, comparisons on every target, nested
 * txns. Every request passes {@link RequestChecks} (the api filters the others out).
 */
final class RandomRequests {

    static final ByteString[] KEYS = {
        bytes("a"),
        bytes("a\0"),
        bytes("a\0b"),
        bytes("ab"),
        bytes("abc"),
        bytes("b"),
        bytes("b\u00ff"),
        bytes("ba"),
        bytes("c"),
        bytes("\0"),
        bytes("d"),
    };
    static final long[] LEASES = {0, 0, 0, 1, 2, 3};
    private static final int MAX_TXN_OPS = 128;

    private final SplittableRandom random;

    /** Values have 0 to this many bytes minus one. */
    private final int valueBytesMax;

    RandomRequests(SplittableRandom random) {
        this(random, 4);
    }

    RandomRequests(SplittableRandom random, int valueBytesMax) {
        this.random = random;
        this.valueBytesMax = valueBytesMax;
    }

    static ByteString bytes(String s) {
        return ByteString.copyFrom(s, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** A range over every key, read at {@code revision}. */
    static RangeRequest allKeysAt(long revision) {
        return RangeRequest.newBuilder()
                .setKey(bytes("\0"))
                .setRangeEnd(bytes("\0"))
                .setRevision(revision)
                .build();
    }

    ByteString key() {
        return KEYS[random.nextInt(KEYS.length)];
    }

    ByteString value() {
        byte[] value = new byte[random.nextInt(valueBytesMax)];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('p' + random.nextInt(4));
        }
        return ByteString.copyFrom(value);
    }

    /** Empty (one key), {@code \0} (from key), or another key (an interval, maybe empty). */
    ByteString rangeEnd() {
        int pick = random.nextInt(10);
        if (pick < 4) {
            return ByteString.EMPTY;
        }
        if (pick < 5) {
            return ByteString.copyFrom(new byte[] {0});
        }
        return key();
    }

    PutRequest put() {
        PutRequest.Builder put =
                PutRequest.newBuilder().setKey(key()).setPrevKv(random.nextBoolean());
        if (random.nextInt(8) == 0) {
            put.setIgnoreValue(true);
        } else {
            put.setValue(value());
        }
        if (random.nextInt(8) == 0) {
            put.setIgnoreLease(true);
        } else {
            put.setLease(LEASES[random.nextInt(LEASES.length)]);
        }
        return put.build();
    }

    DeleteRangeRequest deleteRange() {
        return DeleteRangeRequest.newBuilder()
                .setKey(key())
                .setRangeEnd(rangeEnd())
                .setPrevKv(random.nextBoolean())
                .build();
    }

    RangeRequest range(long revisionMax) {
        RangeRequest.Builder range =
                RangeRequest.newBuilder().setKey(key()).setRangeEnd(rangeEnd());
        if (random.nextInt(3) == 0) {
            range.setRevision(random.nextLong(revisionMax + 3) - 1);
        }
        if (random.nextInt(3) == 0) {
            range.setLimit(random.nextInt(5) - 1);
        }
        if (random.nextInt(3) == 0) {
            range.setSortOrderValue(random.nextInt(3)).setSortTargetValue(random.nextInt(5));
        }
        range.setKeysOnly(random.nextInt(5) == 0).setCountOnly(random.nextInt(6) == 0);
        if (random.nextInt(5) == 0) {
            long bound = random.nextLong(revisionMax + 1);
            switch (random.nextInt(4)) {
                case 0 -> range.setMinModRevision(bound);
                case 1 -> range.setMaxModRevision(bound);
                case 2 -> range.setMinCreateRevision(bound);
                default -> range.setMaxCreateRevision(bound);
            }
        }
        return range.build();
    }

    Compare compare(long revisionMax) {
        Compare.CompareResult result = Compare.CompareResult.forNumber(random.nextInt(4));
        ByteString key = key();
        if (random.nextInt(5) == 0) {
            return CompareTarget.leaseCompare(key, result, LEASES[random.nextInt(LEASES.length)]);
        }
        Compare.Builder compare = Compare.newBuilder().setKey(key).setResult(result);
        if (random.nextInt(4) == 0) {
            compare.setRangeEnd(rangeEnd());
        }
        switch (random.nextInt(4)) {
            case 0 ->
                    compare.setTarget(Compare.CompareTarget.VERSION).setVersion(random.nextInt(4));
            case 1 ->
                    compare.setTarget(Compare.CompareTarget.CREATE)
                            .setCreateRevision(random.nextLong(revisionMax + 2));
            case 2 ->
                    compare.setTarget(Compare.CompareTarget.MOD)
                            .setModRevision(random.nextLong(revisionMax + 2));
            default -> compare.setTarget(Compare.CompareTarget.VALUE).setValue(value());
        }
        return compare.build();
    }

    /** A txn that passes etcd's request checks (regenerated until it does). */
    TxnRequest txn(long revisionMax) {
        while (true) {
            TxnRequest txn = txn(revisionMax, 0);
            try {
                RequestChecks.checkTxn(txn, MAX_TXN_OPS);
                return txn;
            } catch (DuplicateKeyException duplicate) {
                // try another
            }
        }
    }

    private TxnRequest txn(long revisionMax, int depth) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (int i = random.nextInt(3); i > 0; i--) {
            txn.addCompare(compare(revisionMax));
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            txn.addSuccess(op(revisionMax, depth));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            txn.addFailure(op(revisionMax, depth));
        }
        return txn.build();
    }

    private RequestOp op(long revisionMax, int depth) {
        int pick = random.nextInt(depth < 2 ? 9 : 8);
        if (pick < 3) {
            return RequestOp.newBuilder().setRequestRange(range(revisionMax)).build();
        }
        if (pick < 6) {
            return RequestOp.newBuilder().setRequestPut(put()).build();
        }
        if (pick < 8) {
            return RequestOp.newBuilder().setRequestDeleteRange(deleteRange()).build();
        }
        return RequestOp.newBuilder().setRequestTxn(txn(revisionMax, depth + 1)).build();
    }

    CompactionRequest compact(long compactRevision, long revision) {
        long low = Math.max(0, compactRevision - 1);
        return CompactionRequest.newBuilder()
                .setRevision(low + random.nextLong(revision - low + 2))
                .build();
    }
}
