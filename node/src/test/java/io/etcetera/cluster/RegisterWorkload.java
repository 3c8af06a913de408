package io.etcetera.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcetera.cluster.linearizability.Operation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent jetcd clients doing get / put / compare-and-set (a txn with one compare on the value,
 * or on version 0 for an absent key) on a few keys, recording each operation with its call and
 * return times for the linearizability checker. Every write has a value of its own. Three keys
 * are in use at a time; after {@link #OPERATIONS_PER_KEY_SET} operations the clients move to three
 * fresh keys (as Jepsen's independent keys do), which keeps each key's history short enough to
 * search exhaustively.
 *
 * <p>Reads are linearizable, unless {@code serializableReads}: then a member answers from its own
 * state, which may be stale, and the checker should find violations under partitions; this shows
 * that the harness catches stale reads end to end.
 *
 * <p>A write that fails or times out is recorded with an unknown outcome (it may still take
 * effect); a read that fails is left out. Clients never retry (jetcd's retries are off), since a
 * retried write could take effect twice. One thread per client; {@link #stop} joins them.
 */
final class RegisterWorkload {

    static final String PREFIX = "reg/";
    static final int OPERATIONS_PER_KEY_SET = 300;
    private static final int KEYS_IN_USE = 3;

    private final List<String> endpoints;
    private final int clientCount;
    private final long seed;
    private final Duration operationTimeout;
    private final GetOption readOption;
    private final AtomicLong issued = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<List<Operation>> histories = new ArrayList<>();
    private volatile boolean running;

    RegisterWorkload(List<String> endpoints, int clientCount, long seed, Duration operationTimeout,
            boolean serializableReads) {
        this.endpoints = List.copyOf(endpoints);
        this.clientCount = clientCount;
        this.seed = seed;
        this.operationTimeout = operationTimeout;
        this.readOption = GetOption.builder().withSerializable(serializableReads).build();
    }

    void start() {
        running = true;
        for (int id = 0; id < clientCount; id++) {
            List<Operation> history = new ArrayList<>();
            histories.add(history);
            int clientId = id;
            Thread thread = new Thread(() -> runClient(clientId, history), "register-client-" + id);
            threads.add(thread);
            thread.start();
        }
    }

    /** Stops the clients and returns every recorded operation. */
    List<Operation> stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
        List<Operation> all = new ArrayList<>();
        histories.forEach(all::addAll);
        return all;
    }

    private void runClient(int clientId, List<Operation> history) {
        SplittableRandom random = new SplittableRandom(seed * 1_000 + clientId);
        Map<String, String> lastSeen = new HashMap<>();
        try (Client client = Client.builder().endpoints(endpoints.toArray(String[]::new))
                .retryMaxAttempts(0).build()) {
            KV kv = client.getKVClient();
            for (int n = 0; running; n++) {
                long keySet = issued.getAndIncrement() / OPERATIONS_PER_KEY_SET;
                String key = PREFIX + (keySet * KEYS_IN_USE + random.nextInt(KEYS_IN_USE));
                String value = "c" + clientId + "." + n;
                int dice = random.nextInt(10);
                Operation done;
                if (dice < 4) {
                    done = get(kv, clientId, key);
                } else if (dice < 7) {
                    done = put(kv, clientId, key, value);
                } else {
                    String expected = random.nextInt(4) == 0 ? null : lastSeen.get(key);
                    done = cas(kv, clientId, key, expected, value);
                }
                if (done == null) {
                    continue;
                }
                history.add(done);
                if (done.kind() == Operation.Kind.GET) {
                    lastSeen.put(key, done.value());
                } else if (done.outcome() == Operation.Outcome.OK) {
                    lastSeen.put(key, done.value());
                }
            }
        }
    }

    private Operation get(KV kv, int clientId, String key) {
        long call = System.nanoTime();
        try {
            GetResponse response = await(kv.get(bytes(key), readOption));
            String value = response.getKvs().isEmpty() ? null
                    : response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
            return Operation.get(clientId, key, value, call, System.nanoTime());
        } catch (Exception failed) {
            return null;
        }
    }

    private Operation put(KV kv, int clientId, String key, String value) {
        long call = System.nanoTime();
        try {
            await(kv.put(bytes(key), bytes(value), PutOption.DEFAULT));
            return Operation.put(clientId, key, value, call, System.nanoTime());
        } catch (Exception unknown) {
            return Operation.put(clientId, key, value, call, call).withUnknownOutcome();
        }
    }

    private Operation cas(KV kv, int clientId, String key, String expected, String value) {
        Cmp compare = expected == null
                ? new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.value(bytes(expected)));
        long call = System.nanoTime();
        try {
            boolean swapped = await(kv.txn().If(compare)
                    .Then(Op.put(bytes(key), bytes(value), PutOption.DEFAULT)).commit())
                    .isSucceeded();
            return Operation.cas(clientId, key, expected, value, swapped, call, System.nanoTime());
        } catch (Exception unknown) {
            return Operation.cas(clientId, key, expected, value, true, call, call)
                    .withUnknownOutcome();
        }
    }

    private <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            future.cancel(true);
            throw e;
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
