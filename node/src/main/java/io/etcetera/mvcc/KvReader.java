package io.etcetera.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcetera.backend.BackendException;
import io.etcetera.backend.VersionKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's reads over one consistent source of versions: Range with all its options, and the
 * comparisons of a txn. Semantics follow etcd 3.4's {@code applierV3backend.Range} and {@code
 * applyCompare}, quirks included: {@code count} ignores the min/max filters; a sort target other
 * than KEY with order NONE sorts ascending, but within the limit fetched by key order.
 *
 * <p>Not thread-safe: it drives one {@link VersionScan}.
 */
final class KvReader {

    private final VersionScan scan;
    private final long compactRevision;

    KvReader(VersionScan scan, long compactRevision) {
        this.scan = scan;
        this.compactRevision = compactRevision;
    }

    /** Serves {@code request} against a store whose newest revision is {@code currentRevision}. */
    RangeResponse range(RangeRequest request, long currentRevision) {
        long revision = readRevision(request.getRevision(), currentRevision);
        boolean filtered =
                request.getMinModRevision() != 0
                        || request.getMaxModRevision() != 0
                        || request.getMinCreateRevision() != 0
                        || request.getMaxCreateRevision() != 0;
        // etcd fetches everything to sort or filter, else one more than the limit (to know whether
        // there is more); a limit of 0 or less is no limit.
        long fetchMax =
                request.getSortOrder() != RangeRequest.SortOrder.NONE
                                || filtered
                                || request.getLimit() <= 0
                        ? Long.MAX_VALUE
                        : request.getLimit() + 1;
        List<KeyValue> kvs = new ArrayList<>();
        long count =
                collect(
                        KeyRange.of(request.getKey(), request.getRangeEnd()),
                        revision,
                        request.getCountOnly() ? 0 : fetchMax,
                        kvs);
        if (filtered) {
            kvs.removeIf(kv -> pruned(request, kv));
        }
        sort(request, kvs);
        boolean more = false;
        if (request.getLimit() > 0 && kvs.size() > request.getLimit()) {
            kvs = kvs.subList(0, (int) request.getLimit());
            more = true;
        }
        RangeResponse.Builder response =
                RangeResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(currentRevision))
                        .setCount(count)
                        .setMore(more);
        for (KeyValue kv : kvs) {
            response.addKvs(request.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return response.build();
    }

    /**
     * The revision a read at {@code requested} (0 or less: the newest) sees, or the error etcd
     * gives: future revision above {@code currentRevision}, compacted below the compact revision.
     */
    long readRevision(long requested, long currentRevision) {
        if (requested > currentRevision) {
            throw new FutureRevisionException(requested, currentRevision);
        }
        long revision = requested <= 0 ? currentRevision : requested;
        if (revision < compactRevision) {
            throw new CompactedException(revision, compactRevision);
        }
        return revision;
    }

    /**
     * etcd's check of a range inside a txn ({@code checkRequestRange}), stricter than a plain
     * range: a negative revision is below every compact revision rather than "the newest".
     */
    void checkTxnRangeRevision(long requested, long viewRevision) {
        if (requested == 0) {
            return;
        }
        if (requested > viewRevision) {
            throw new FutureRevisionException(requested, viewRevision);
        }
        if (requested < compactRevision) {
            throw new CompactedException(requested, compactRevision);
        }
    }

    /**
     * Adds to {@code kvs} the first {@code kvsMax} live pairs of {@code range} at {@code revision},
     * and returns how many live pairs the range holds.
     */
    long collect(KeyRange range, long revision, long kvsMax, List<KeyValue> kvs) {
        long[] count = {0};
        scan.forEachLive(
                range,
                revision,
                (versionKey, cursor) -> {
                    count[0]++;
                    if (kvs.size() < kvsMax) {
                        kvs.add(parse(cursor.value()));
                    }
                    return true;
                });
        return count[0];
    }

    /** The newest pair of {@code userKey} at or below {@code revision}, or null if it had none. */
    KeyValue get(byte[] userKey, long revision) {
        byte[] versionKey = scan.seekNewest(VersionKey.group(userKey), revision, Long.MAX_VALUE);
        if (versionKey == null) {
            return null;
        }
        byte[] value = scan.value();
        return value.length == 0 ? null : parse(value);
    }

    /** Whether every key {@code compare} names satisfies it at {@code revision}. */
    boolean compare(Compare compare, long revision) {
        boolean[] seenAny = {false};
        boolean[] holds = {true};
        scan.forEachLive(
                KeyRange.of(compare.getKey(), compare.getRangeEnd()),
                revision,
                (key, cursor) -> {
                    seenAny[0] = true;
                    holds[0] = CompareTarget.holds(compare, parse(cursor.value()));
                    return holds[0];
                });
        if (!seenAny[0]) {
            // etcd: a value comparison on a missing key always fails; the others compare zeros.
            return !CompareTarget.isValueTarget(compare)
                    && CompareTarget.holds(compare, KeyValue.getDefaultInstance());
        }
        return holds[0];
    }

    static KeyValue parse(byte[] value) {
        try {
            return KeyValue.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new BackendException("a stored KeyValue does not parse: the store is corrupt", e);
        }
    }

    private static boolean pruned(RangeRequest request, KeyValue kv) {
        return request.getMaxModRevision() != 0 && kv.getModRevision() > request.getMaxModRevision()
                || request.getMinModRevision() != 0
                        && kv.getModRevision() < request.getMinModRevision()
                || request.getMaxCreateRevision() != 0
                        && kv.getCreateRevision() > request.getMaxCreateRevision()
                || request.getMinCreateRevision() != 0
                        && kv.getCreateRevision() < request.getMinCreateRevision();
    }

    private static void sort(RangeRequest request, List<KeyValue> kvs) {
        RangeRequest.SortOrder order = request.getSortOrder();
        if (request.getSortTarget() != RangeRequest.SortTarget.KEY
                && order == RangeRequest.SortOrder.NONE) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order != RangeRequest.SortOrder.ASCEND && order != RangeRequest.SortOrder.DESCEND) {
            return;
        }
        Comparator<KeyValue> comparator =
                switch (request.getSortTarget()) {
                    case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
                    case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
                    case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
                    case VALUE ->
                            Comparator.comparing(
                                    KeyValue::getValue,
                                    ByteString.unsignedLexicographicalComparator());
                    default ->
                            Comparator.comparing(
                                    KeyValue::getKey,
                                    ByteString.unsignedLexicographicalComparator());
                };
        kvs.sort(order == RangeRequest.SortOrder.DESCEND ? comparator.reversed() : comparator);
    }
}
