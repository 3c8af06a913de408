package io.etcetera.cluster;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.watchcheck.JetcdResponses;
import io.etcetera.watchcheck.ObservedWatch;
import io.etcetera.watchcheck.WatchSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One jetcd watcher on a key prefix from a known revision, with prev_kv, recorded for the {@link
 * io.etcetera.watchcheck.WatchChecker}: kept open through the faults, it relies on jetcd to resume
 * after a member dies (from the revision after the last event it delivered), which is what a
 * Kubernetes informer does. The recording starts with a created response at the start revision,
 * since the watch is created with an explicit one.
 *
 * <p>Thread-safe: jetcd's callback thread appends; the test reads a copy.
 */
final class WatchRecorder implements AutoCloseable {

    private final String name;
    private final WatchSpec spec;
    private final List<WatchResponse> responses = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Watch.Watcher watcher;
    private int eventCount;

    WatchRecorder(String name, Client client, String prefix, long startRevision) {
        this.name = name;
        ByteString key = ByteString.copyFromUtf8(prefix);
        ByteString end = ByteString.copyFrom(prefixEnd(key.toByteArray()));
        this.spec = new WatchSpec(key, end, startRevision, false, false, true);
        responses.add(WatchResponse.newBuilder().setCreated(true)
                .setHeader(ResponseHeader.newBuilder().setRevision(startRevision - 1)).build());
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(startRevision)
                .withPrevKV(true).build();
        this.watcher = client.getWatchClient().watch(LocalCluster.bytes(prefix), option,
                Watch.listener(this::onNext, this::onError));
    }

    /**
     * Whether the member behind {@code client} serves etcd's Watch service at all: a watch
     * created with a created notification gets one, or an error naming a missing method.
     */
    static boolean served(Client client, Duration max) throws Exception {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        WatchOption option = WatchOption.builder().withCreateNotify(true).build();
        Watch.Listener listener = Watch.listener(response -> answer.complete(true),
                error -> answer.complete(!String.valueOf(error.getMessage())
                        .contains("Method not found")));
        try (Watch.Watcher probe = client.getWatchClient()
                .watch(LocalCluster.bytes(RegisterWorkload.PREFIX), option, listener)) {
            return answer.get(max.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void onNext(io.etcd.jetcd.watch.WatchResponse response) {
        responses.add(JetcdResponses.of(response));
        eventCount += response.getEvents().size();
    }

    private synchronized void onError(Throwable error) {
        if (error instanceof CompactedException compacted) {
            responses.add(JetcdResponses.compacted(compacted.getCompactedRevision()));
        }
        errors.add(error.toString());
    }

    synchronized ObservedWatch observed() {
        return new ObservedWatch(spec, List.copyOf(responses));
    }

    synchronized int eventCount() {
        return eventCount;
    }

    /** Errors jetcd reported to the listener (after which the watcher is closed). */
    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    WatchSpec spec() {
        return spec;
    }

    String name() {
        return name;
    }

    private static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int at = end.length - 1; at >= 0; at--) {
            if (end[at] != (byte) 0xff) {
                end[at]++;
                return java.util.Arrays.copyOf(end, at + 1);
            }
        }
        return new byte[] {0};
    }

    @Override
    public void close() {
        watcher.close();
    }
}
