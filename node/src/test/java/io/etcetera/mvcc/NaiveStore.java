package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * A deliberately naive model of etcd's mvcc store, for property tests: it keeps a full copy of the
 * key space for every revision and answers every read by filtering one of them. It follows the etcd
 * 3.4 Go code (apply.go, kvstore_txn.go) step by step rather than the store's design.
 */
final class NaiveStore {

    static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();

    /** {@code history.get(r)} is the key space at revision r; revisions 0 and 1 are empty. */
    private final List<TreeMap<ByteString, KeyValue>> history = new ArrayList<>();

    private final List<Event> events = new ArrayList<>();
    private long compactRevision = -1;

    NaiveStore() {
        history.add(new TreeMap<>(ORDER));
        history.add(new TreeMap<>(ORDER));
    }

    long revision() {
        return history.size() - 1;
    }

    long compactRevision() {
        return compactRevision;
    }

    /** Every event so far, in revision order. */
    List<Event> events() {
        return events;
    }

    TreeMap<ByteString, KeyValue> at(long revision) {
        return history.get((int) revision);
    }

    /** A write transaction over a copy of the newest key space. */
    private final class Txn {
        final long begin = revision();
        final TreeMap<ByteString, KeyValue> working = new TreeMap<>(at(revision()));
        int changes;

        long rev() {
            return changes > 0 ? begin + 1 : begin;
        }

        void end() {
            if (changes > 0) {
                history.add(working);
            }
        }
    }

    RangeResponse range(RangeRequest request) {
        return range(request, revision(), at(revision()));
    }

    private RangeResponse range(
            RangeRequest r, long current, TreeMap<ByteString, KeyValue> working) {
        long rev = r.getRevision();
        if (rev > current) {
            throw new FutureRevisionException(rev, current);
        }
        if (rev <= 0) {
            rev = current;
        }
        if (rev < compactRevision) {
            throw new CompactedException(rev, compactRevision);
        }
        TreeMap<ByteString, KeyValue> state = rev <= revision() ? at(rev) : working;
        List<KeyValue> all = live(state, r.getKey(), r.getRangeEnd());
        long limit = r.getLimit();
        if (r.getSortOrder() != RangeRequest.SortOrder.NONE
                || r.getMinModRevision() != 0
                || r.getMaxModRevision() != 0
                || r.getMinCreateRevision() != 0
                || r.getMaxCreateRevision() != 0) {
            limit = 0;
        }
        if (limit > 0) {
            limit++;
        }
        List<KeyValue> kvs = new ArrayList<>();
        if (!r.getCountOnly()) {
            kvs.addAll(limit > 0 && limit < all.size() ? all.subList(0, (int) limit) : all);
        }
        if (r.getMaxModRevision() != 0) {
            kvs.removeIf(kv -> kv.getModRevision() > r.getMaxModRevision());
        }
        if (r.getMinModRevision() != 0) {
            kvs.removeIf(kv -> kv.getModRevision() < r.getMinModRevision());
        }
        if (r.getMaxCreateRevision() != 0) {
            kvs.removeIf(kv -> kv.getCreateRevision() > r.getMaxCreateRevision());
        }
        if (r.getMinCreateRevision() != 0) {
            kvs.removeIf(kv -> kv.getCreateRevision() < r.getMinCreateRevision());
        }
        RangeRequest.SortOrder order = r.getSortOrder();
        if (r.getSortTarget() != RangeRequest.SortTarget.KEY
                && order == RangeRequest.SortOrder.NONE) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order != RangeRequest.SortOrder.NONE) {
            Comparator<KeyValue> by =
                    switch (r.getSortTarget()) {
                        case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
                        case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
                        case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
                        case VALUE -> Comparator.comparing(KeyValue::getValue, ORDER);
                        default -> Comparator.comparing(KeyValue::getKey, ORDER);
                    };
            kvs.sort(order == RangeRequest.SortOrder.DESCEND ? by.reversed() : by);
        }
        boolean more = false;
        if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
            kvs = new ArrayList<>(kvs.subList(0, (int) r.getLimit()));
            more = true;
        }
        RangeResponse.Builder out =
                RangeResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(current))
                        .setCount(all.size())
                        .setMore(more);
        for (KeyValue kv : kvs) {
            out.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return out.build();
    }

    static boolean inRange(ByteString k, ByteString key, ByteString end) {
        if (end.isEmpty()) {
            return k.equals(key);
        }
        if (end.size() == 1 && end.byteAt(0) == 0) {
            return ORDER.compare(k, key) >= 0;
        }
        return ORDER.compare(k, key) >= 0 && ORDER.compare(k, end) < 0;
    }

    private static List<KeyValue> live(
            TreeMap<ByteString, KeyValue> state, ByteString key, ByteString end) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : state.values()) {
            if (inRange(kv.getKey(), key, end)) {
                out.add(kv);
            }
        }
        return out;
    }

    PutResponse put(PutRequest p, LongPredicate leaseExists) {
        if (p.getLease() != 0 && !leaseExists.test(p.getLease())) {
            throw new LeaseNotFoundException(p.getLease());
        }
        Txn txn = new Txn();
        if ((p.getIgnoreValue() || p.getIgnoreLease()) && !txn.working.containsKey(p.getKey())) {
            throw new KeyNotFoundException(p.getKey());
        }
        PutResponse response = put(txn, p);
        txn.end();
        return response;
    }

    private PutResponse put(Txn txn, PutRequest p) {
        KeyValue prev = txn.working.get(p.getKey());
        long main = txn.begin + 1;
        txn.changes++;
        KeyValue kv =
                KeyValue.newBuilder()
                        .setKey(p.getKey())
                        .setValue(
                                p.getIgnoreValue()
                                        ? (prev == null ? ByteString.EMPTY : prev.getValue())
                                        : p.getValue())
                        .setLease(
                                p.getIgnoreLease()
                                        ? (prev == null ? 0 : prev.getLease())
                                        : p.getLease())
                        .setCreateRevision(prev == null ? main : prev.getCreateRevision())
                        .setModRevision(main)
                        .setVersion(prev == null ? 1 : prev.getVersion() + 1)
                        .build();
        txn.working.put(p.getKey(), kv);
        Event.Builder event = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
        if (prev != null) {
            event.setPrevKv(prev);
        }
        events.add(event.build());
        PutResponse.Builder out =
                PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(main));
        if (p.getPrevKv() && prev != null) {
            out.setPrevKv(prev);
        }
        return out.build();
    }

    DeleteRangeResponse deleteRange(DeleteRangeRequest d) {
        Txn txn = new Txn();
        DeleteRangeResponse response = deleteRange(txn, d);
        txn.end();
        return response;
    }

    private DeleteRangeResponse deleteRange(Txn txn, DeleteRangeRequest d) {
        List<KeyValue> doomed = live(txn.working, d.getKey(), d.getRangeEnd());
        for (KeyValue kv : doomed) {
            delete(txn, kv);
        }
        DeleteRangeResponse.Builder out =
                DeleteRangeResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(txn.rev()))
                        .setDeleted(doomed.size());
        if (d.getPrevKv()) {
            out.addAllPrevKvs(doomed);
        }
        return out.build();
    }

    private void delete(Txn txn, KeyValue kv) {
        long main = txn.begin + 1;
        txn.changes++;
        txn.working.remove(kv.getKey());
        events.add(
                Event.newBuilder()
                        .setType(Event.EventType.DELETE)
                        .setKv(KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(main))
                        .setPrevKv(kv)
                        .build());
    }

    long revokeLease(long leaseId) {
        Txn txn = new Txn();
        for (KeyValue kv : new ArrayList<>(txn.working.values())) {
            if (kv.getLease() == leaseId) {
                delete(txn, kv);
            }
        }
        txn.end();
        return revision();
    }

    CompactionResponse compact(CompactionRequest c) {
        if (c.getRevision() <= compactRevision) {
            throw new CompactedException(c.getRevision(), compactRevision);
        }
        if (c.getRevision() > revision()) {
            throw new FutureRevisionException(c.getRevision(), revision());
        }
        compactRevision = c.getRevision();
        return CompactionResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision()))
                .build();
    }

    TxnResponse txn(TxnRequest t, LongPredicate leaseExists) {
        TreeMap<ByteString, KeyValue> begin = at(revision());
        List<Boolean> path = new ArrayList<>();
        decide(t, begin, path);
        boolean writes = !TxnRunner.isReadOnly(t);
        int[] cursor = {0};
        if (writes) {
            check(t, path, cursor, begin, true, leaseExists);
            cursor[0] = 0;
        }
        check(t, path, cursor, begin, false, leaseExists);
        Txn txn = new Txn();
        cursor[0] = 0;
        TxnResponse.Builder out = execute(txn, t, path, cursor);
        txn.end();
        return out.setHeader(ResponseHeader.newBuilder().setRevision(revision())).build();
    }

    /**
     * The outcomes of the txn's and nested txns' comparisons, in pre-order of the taken branches.
     */
    private void decide(TxnRequest t, TreeMap<ByteString, KeyValue> state, List<Boolean> path) {
        boolean ok = true;
        for (Compare c : t.getCompareList()) {
            if (!holds(c, state)) {
                ok = false;
                break;
            }
        }
        path.add(ok);
        for (RequestOp op : ok ? t.getSuccessList() : t.getFailureList()) {
            if (op.hasRequestTxn()) {
                decide(op.getRequestTxn(), state, path);
            }
        }
    }

    private static boolean holds(Compare c, TreeMap<ByteString, KeyValue> state) {
        List<KeyValue> kvs = live(state, c.getKey(), c.getRangeEnd());
        if (kvs.isEmpty()) {
            return c.getTargetValue() != 3 && compare(c, KeyValue.getDefaultInstance());
        }
        return kvs.stream().allMatch(kv -> compare(c, kv));
    }

    /** etcd's compareKV; target 4 is LEASE, whose operand travels as unknown field 8. */
    private static boolean compare(Compare c, KeyValue kv) {
        int result =
                switch (c.getTargetValue()) {
                    case 0 -> Long.compare(kv.getVersion(), c.getVersion());
                    case 1 -> Long.compare(kv.getCreateRevision(), c.getCreateRevision());
                    case 2 -> Long.compare(kv.getModRevision(), c.getModRevision());
                    case 3 -> ORDER.compare(kv.getValue(), c.getValue());
                    case 4 -> {
                        List<Long> lease = c.getUnknownFields().getField(8).getVarintList();
                        yield Long.compare(
                                kv.getLease(), lease.isEmpty() ? 0 : lease.get(lease.size() - 1));
                    }
                    default -> 0;
                };
        return switch (c.getResult()) {
            case EQUAL -> result == 0;
            case NOT_EQUAL -> result != 0;
            case GREATER -> result > 0;
            case LESS -> result < 0;
            default -> true;
        };
    }

    /** etcd checks all puts of the taken branches first, then all ranges. */
    private void check(
            TxnRequest t,
            List<Boolean> path,
            int[] cursor,
            TreeMap<ByteString, KeyValue> state,
            boolean puts,
            LongPredicate leaseExists) {
        boolean ok = path.get(cursor[0]++);
        for (RequestOp op : ok ? t.getSuccessList() : t.getFailureList()) {
            if (op.hasRequestTxn()) {
                check(op.getRequestTxn(), path, cursor, state, puts, leaseExists);
            } else if (op.hasRequestPut() && puts) {
                PutRequest p = op.getRequestPut();
                if ((p.getIgnoreValue() || p.getIgnoreLease()) && !state.containsKey(p.getKey())) {
                    throw new KeyNotFoundException(p.getKey());
                }
                if (p.getLease() != 0 && !leaseExists.test(p.getLease())) {
                    throw new LeaseNotFoundException(p.getLease());
                }
            } else if (op.hasRequestRange() && !puts && op.getRequestRange().getRevision() != 0) {
                long rev = op.getRequestRange().getRevision();
                if (rev > revision()) {
                    throw new FutureRevisionException(rev, revision());
                }
                if (rev < compactRevision) {
                    throw new CompactedException(rev, compactRevision);
                }
            }
        }
    }

    private TxnResponse.Builder execute(Txn txn, TxnRequest t, List<Boolean> path, int[] cursor) {
        boolean ok = path.get(cursor[0]++);
        TxnResponse.Builder out = TxnResponse.newBuilder().setSucceeded(ok);
        for (RequestOp op : ok ? t.getSuccessList() : t.getFailureList()) {
            ResponseOp.Builder r = ResponseOp.newBuilder();
            if (op.hasRequestRange()) {
                r.setResponseRange(range(op.getRequestRange(), txn.rev(), txn.working));
            } else if (op.hasRequestPut()) {
                r.setResponsePut(put(txn, op.getRequestPut()));
            } else if (op.hasRequestDeleteRange()) {
                r.setResponseDeleteRange(deleteRange(txn, op.getRequestDeleteRange()));
            } else if (op.hasRequestTxn()) {
                r.setResponseTxn(
                        execute(txn, op.getRequestTxn(), path, cursor)
                                .setHeader(ResponseHeader.getDefaultInstance()));
            }
            out.addResponses(r);
        }
        return out;
    }
}
