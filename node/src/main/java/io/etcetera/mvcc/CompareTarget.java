package io.etcetera.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KeyValue;

import java.util.List;

/**
 * One txn comparison applied to one key-value pair, as etcd 3.4's {@code compareKV}.
 *
 * <p>NB: the jetcd protobuf classes predate etcd's {@code LEASE} target. On the wire etcd sends
 * target value 4 and the lease in field 8 of the {@code target_union} oneof; protobuf keeps both
 * (the enum as an unrecognised number, the field as an unknown field), and this class reads them
 * from there.
 *
 * <p>Stateless; used from any thread.
 */
final class CompareTarget {

    /** etcd's {@code Compare.LEASE} target, missing from jetcd's enum. */
    static final int LEASE_TARGET = 4;

    /** etcd's {@code Compare.lease} field number, missing from jetcd's message. */
    static final int LEASE_FIELD = 8;

    private CompareTarget() {}

    /**
     * Whether {@code kv} satisfies {@code compare}; a missing key is compared as the empty pair.
     */
    static boolean holds(Compare compare, KeyValue kv) {
        int result =
                switch (compare.getTargetValue()) {
                    case Compare.CompareTarget.VERSION_VALUE ->
                            Long.compare(kv.getVersion(), compare.getVersion());
                    case Compare.CompareTarget.CREATE_VALUE ->
                            Long.compare(kv.getCreateRevision(), compare.getCreateRevision());
                    case Compare.CompareTarget.MOD_VALUE ->
                            Long.compare(kv.getModRevision(), compare.getModRevision());
                    case Compare.CompareTarget.VALUE_VALUE ->
                            ByteString.unsignedLexicographicalComparator()
                                    .compare(kv.getValue(), compare.getValue());
                    case LEASE_TARGET -> Long.compare(kv.getLease(), lease(compare));
                    default -> 0;
                };
        return switch (compare.getResultValue()) {
            case Compare.CompareResult.EQUAL_VALUE -> result == 0;
            case Compare.CompareResult.NOT_EQUAL_VALUE -> result != 0;
            case Compare.CompareResult.GREATER_VALUE -> result > 0;
            case Compare.CompareResult.LESS_VALUE -> result < 0;
            default -> true;
        };
    }

    static boolean isValueTarget(Compare compare) {
        return compare.getTargetValue() == Compare.CompareTarget.VALUE_VALUE;
    }

    /** The lease a {@code LEASE} comparison names (0 when absent). */
    static long lease(Compare compare) {
        List<Long> values = compare.getUnknownFields().getField(LEASE_FIELD).getVarintList();
        return values.isEmpty() ? 0 : values.get(values.size() - 1);
    }

    /** A comparison of a key's lease, encoded as etcd encodes it (for callers and tests). */
    static Compare leaseCompare(ByteString key, Compare.CompareResult result, long leaseId) {
        return Compare.newBuilder()
                .setKey(key)
                .setResult(result)
                .setTargetValue(LEASE_TARGET)
                .setUnknownFields(
                        UnknownFieldSet.newBuilder()
                                .addField(
                                        LEASE_FIELD,
                                        UnknownFieldSet.Field.newBuilder()
                                                .addVarint(leaseId)
                                                .build())
                                .build())
                .build();
    }
}
