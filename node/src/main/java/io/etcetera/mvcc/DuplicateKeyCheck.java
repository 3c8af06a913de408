package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.RequestOp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * etcd 3.4's {@code checkIntervals}: a txn may not put a key twice on one path, nor put a key that
 * one of its delete ranges covers (the puts of a then and an else branch of one nested txn may
 * repeat each other, since only one runs). Puts and deletes of nested txns count for the txn that
 * holds them.
 *
 * <p>Intervals compare as etcd's {@code StringAffineComparable} (an empty end is +infinity) and
 * overlap as etcd's {@code Interval.Compare}. NB: etcd does not turn the from-key end {@code "\0"}
 * into +infinity here, so a from-key delete conflicts with no put at all (etcd 3.4.23 accepts
 * "delete from a; put a"). This class keeps that, because clients depend on what etcd accepts.
 *
 * <p>Stateless; used from any thread.
 */
final class DuplicateKeyCheck {

    private record Interval(ByteString begin, ByteString end) {}

    private record Found(Set<ByteString> puts, List<Interval> deletes) {}

    private DuplicateKeyCheck() {}

    /** Throws {@link DuplicateKeyException} when the ops of one txn branch overlap as above. */
    static void check(List<RequestOp> ops) {
        collect(ops);
    }

    private static Found collect(List<RequestOp> ops) {
        List<Interval> deletes = new ArrayList<>();
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                DeleteRangeRequest delete = op.getRequestDeleteRange();
                deletes.add(
                        delete.getRangeEnd().isEmpty()
                                ? point(delete.getKey())
                                : new Interval(delete.getKey(), delete.getRangeEnd()));
            }
        }
        Set<ByteString> puts = new HashSet<>();
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            Found then = collect(op.getRequestTxn().getSuccessList());
            Found otherwise = collect(op.getRequestTxn().getFailureList());
            for (ByteString key : then.puts()) {
                requireNew(key, puts.contains(key), deletes);
                puts.add(key);
            }
            for (ByteString key : otherwise.puts()) {
                requireNew(key, puts.contains(key) && !then.puts().contains(key), deletes);
                puts.add(key);
            }
            deletes.addAll(then.deletes());
            deletes.addAll(otherwise.deletes());
        }
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                ByteString key = op.getRequestPut().getKey();
                requireNew(key, puts.contains(key), deletes);
                puts.add(key);
            }
        }
        return new Found(puts, deletes);
    }

    private static void requireNew(ByteString key, boolean alreadyPut, List<Interval> deletes) {
        if (alreadyPut) {
            throw new DuplicateKeyException(key);
        }
        Interval point = point(key);
        for (Interval delete : deletes) {
            if (overlaps(point, delete)) {
                throw new DuplicateKeyException(key);
            }
        }
    }

    private static Interval point(ByteString key) {
        return new Interval(key, key.concat(ByteString.copyFrom(new byte[] {0})));
    }

    /** etcd's {@code Interval.Compare(query, node) == 0}. */
    private static boolean overlaps(Interval query, Interval node) {
        boolean left =
                affine(query.begin(), node.begin()) < 0 && affine(query.end(), node.begin()) <= 0;
        boolean right = affine(query.begin(), node.end()) >= 0;
        return !left && !right;
    }

    /** etcd's {@code StringAffineComparable.Compare}: the empty string is above all others. */
    private static int affine(ByteString a, ByteString b) {
        if (a.isEmpty()) {
            return b.isEmpty() ? 0 : 1;
        }
        if (b.isEmpty()) {
            return -1;
        }
        return ByteString.unsignedLexicographicalComparator().compare(a, b);
    }
}
