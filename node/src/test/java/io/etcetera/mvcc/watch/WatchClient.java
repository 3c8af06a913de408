package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.watchcheck.ObservedWatch;
import io.etcetera.watchcheck.StreamRecording;
import io.etcetera.watchcheck.WatchSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * A test's end of one watch stream: sends requests, drains responses when the test says so (a
 * client that stops reading simply is not drained), and records them for the checker.
 *
 * <p>Not thread-safe: one test thread.
 */
final class WatchClient {

    final WatchStream stream;
    final StreamRecording recording = new StreamRecording();
    final List<WatchResponse> received = new ArrayList<>();

    /** How often the stream signalled that responses were pending. */
    int pendingSignals;

    WatchClient(WatchableStore watchable) {
        this.stream = watchable.openStream(() -> pendingSignals++);
    }

    void create(WatchCreateRequest request) {
        recording.sent(WatchSpec.of(request));
        stream.create(request);
    }

    /** Drains everything queued; returns what arrived. */
    List<WatchResponse> drain() {
        List<WatchResponse> arrived = new ArrayList<>();
        while (stream.drain(64, arrived::add) == 64) {
            // more queued
        }
        arrived.forEach(recording::received);
        received.addAll(arrived);
        return arrived;
    }

    List<ObservedWatch> watches() {
        return recording.watches();
    }
}
