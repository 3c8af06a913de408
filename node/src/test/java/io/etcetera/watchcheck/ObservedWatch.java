package io.etcetera.watchcheck;

import io.etcd.jetcd.api.WatchResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * One watcher as a client saw it: its spec and every response addressed to it (its own watch ID, or
 * -1 for a stream-wide progress notification), in arrival order, from its created response on.
 *
 * <p>Not thread-safe: a recorder appends, then the checker reads.
 */
public final class ObservedWatch {

    private final WatchSpec spec;
    private final List<WatchResponse> responses = new ArrayList<>();

    public ObservedWatch(WatchSpec spec) {
        this.spec = spec;
    }

    public ObservedWatch(WatchSpec spec, List<WatchResponse> responses) {
        this(spec);
        this.responses.addAll(responses);
    }

    public WatchSpec spec() {
        return spec;
    }

    public List<WatchResponse> responses() {
        return responses;
    }

    public void add(WatchResponse response) {
        responses.add(response);
    }

    /** Whether the server canceled or refused this watcher. */
    public boolean isCanceled() {
        return responses.stream().anyMatch(WatchResponse::getCanceled);
    }

    @Override
    public String toString() {
        return spec + " (" + responses.size() + " responses)";
    }
}
