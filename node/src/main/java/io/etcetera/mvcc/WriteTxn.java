package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.ResponseHeader;

import java.util.ArrayList;
import java.util.List;

/**
 * One etcd write transaction inside an apply batch: a put, a delete range, a txn or a lease revoke.
 * All its changes share the main revision {@code beginRevision + 1} and take sub revisions 0, 1, 2…
 * in order; a transaction that changes nothing takes no revision (etcd's {@code storeTxnWrite}).
 *
 * <p>Reads inside it see its own earlier changes (the batch's pending writes). Confined to the
 * apply thread.
 */
final class WriteTxn {

    private final ApplyBatch batch;
    private final KvReader reader;
    private final long beginRevision;
    private int changeCount;

    WriteTxn(ApplyBatch batch, KvReader reader, long beginRevision) {
        this.batch = batch;
        this.reader = reader;
        this.beginRevision = beginRevision;
    }

    KvReader reader() {
        return reader;
    }

    /**
     * The revision reads inside the transaction see: the next one once it has changed something.
     */
    long readRevision() {
        return changeCount > 0 ? beginRevision + 1 : beginRevision;
    }

    boolean changed() {
        return changeCount > 0;
    }

    /**
     * etcd's ErrKeyNotFound: {@code ignore_value} and {@code ignore_lease} need an existing key.
     */
    void checkIgnoreFlags(PutRequest put) {
        if ((put.getIgnoreValue() || put.getIgnoreLease())
                && reader.get(put.getKey().toByteArray(), readRevision()) == null) {
            throw new KeyNotFoundException(put.getKey());
        }
    }

    PutResponse put(PutRequest put) {
        byte[] userKey = put.getKey().toByteArray();
        KeyValue prev = reader.get(userKey, readRevision());
        // NB: a flag whose key an earlier delete of this txn removed (only etcd's from-key delete
        // can slip past the duplicate check) makes etcd panic; here it reads as empty value / no
        // lease.
        ByteString value = put.getIgnoreValue() ? valueOf(prev) : put.getValue();
        long lease = put.getIgnoreLease() ? (prev == null ? 0 : prev.getLease()) : put.getLease();
        long main = beginRevision + 1;
        long sub = changeCount++;
        KeyValue kv =
                KeyValue.newBuilder()
                        .setKey(put.getKey())
                        .setValue(value)
                        .setCreateRevision(prev == null ? main : prev.getCreateRevision())
                        .setModRevision(main)
                        .setVersion(prev == null ? 1 : prev.getVersion() + 1)
                        .setLease(lease)
                        .build();
        batch.writeVersion(userKey, main, sub, kv.toByteArray());
        batch.moveLease(userKey, prev == null ? 0 : prev.getLease(), lease);
        Event.Builder event = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
        if (prev != null) {
            event.setPrevKv(prev);
        }
        batch.addEvent(event.build());
        PutResponse.Builder response =
                PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(main));
        if (put.getPrevKv() && prev != null) {
            response.setPrevKv(prev);
        }
        return response.build();
    }

    DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
        List<KeyValue> live = new ArrayList<>();
        reader.collect(
                KeyRange.of(request.getKey(), request.getRangeEnd()),
                readRevision(),
                Long.MAX_VALUE,
                live);
        for (KeyValue kv : live) {
            delete(kv);
        }
        DeleteRangeResponse.Builder response =
                DeleteRangeResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(readRevision()))
                        .setDeleted(live.size());
        if (request.getPrevKv()) {
            response.addAllPrevKvs(live);
        }
        return response.build();
    }

    /** Deletes one key whose newest pair is {@code kv}. */
    void delete(KeyValue kv) {
        byte[] userKey = kv.getKey().toByteArray();
        long main = beginRevision + 1;
        long sub = changeCount++;
        batch.writeTombstone(userKey, main, sub);
        batch.moveLease(userKey, kv.getLease(), 0);
        batch.addEvent(
                Event.newBuilder()
                        .setType(Event.EventType.DELETE)
                        .setKv(KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(main))
                        .setPrevKv(kv)
                        .build());
    }

    private static ByteString valueOf(KeyValue prev) {
        return prev == null ? ByteString.EMPTY : prev.getValue();
    }
}
