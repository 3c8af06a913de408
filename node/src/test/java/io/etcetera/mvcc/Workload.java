package io.etcetera.mvcc;

import com.google.protobuf.Message;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.TxnRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic stream of apply batches for a seed, generated against a {@link NaiveStore} that
 * it keeps up to date, so that two processes (a writer that crashes, a checker that replays)
 * produce the same batches and know the expected state after each.
 */
final class Workload {

    static final Set<Long> LEASES = Set.of(1L, 2L);

    private final SplittableRandom random;
    private final RandomRequests requests;
    private final NaiveStore model = new NaiveStore();

    /** Values of up to {@code valueBytesMax - 1} bytes (large ones fill memtables quickly). */
    Workload(long seed, int valueBytesMax) {
        this.random = new SplittableRandom(seed);
        this.requests = new RandomRequests(random, valueBytesMax);
    }

    NaiveStore model() {
        return model;
    }

    /** The next batch's requests, already applied to the model. */
    List<Message> nextBatch() {
        List<Message> batch = new ArrayList<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int pick = random.nextInt(100);
            Message request =
                    pick < 50
                            ? requests.put()
                            : pick < 65
                                    ? requests.deleteRange()
                                    : pick < 95
                                            ? requests.txn(model.revision())
                                            : requests.compact(
                                                    model.compactRevision(), model.revision());
            batch.add(request);
            try {
                apply(model, request);
            } catch (MvccException refused) {
                // refused requests stay in the batch: the store must refuse them too
            }
        }
        return batch;
    }

    static Message apply(NaiveStore model, Message request) {
        if (request instanceof PutRequest put) {
            return model.put(put, LEASES::contains);
        }
        if (request instanceof DeleteRangeRequest delete) {
            return model.deleteRange(delete);
        }
        if (request instanceof TxnRequest txn) {
            return model.txn(txn, LEASES::contains);
        }
        return model.compact((CompactionRequest) request);
    }

    /** Applies a batch's requests; the refusals are the model's too (states are compared after). */
    static void applyAll(ApplyBatch batch, List<Message> requests) {
        for (Message request : requests) {
            try {
                apply(batch, request);
            } catch (MvccException refused) {
                // the model refused it as well
            }
        }
    }

    static Message apply(ApplyBatch batch, Message request) {
        if (request instanceof PutRequest put) {
            return batch.put(put);
        }
        if (request instanceof DeleteRangeRequest delete) {
            return batch.deleteRange(delete);
        }
        if (request instanceof TxnRequest txn) {
            return batch.txn(txn);
        }
        return batch.compact((CompactionRequest) request);
    }
}
