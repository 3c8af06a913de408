package io.etcetera.watchcheck;

import io.etcd.jetcd.api.WatchResponse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the responses of one watch stream into its watchers, as a client does: created responses
 * come in the order of the create requests and bind each request to its watch ID (a refused one
 * gets -1); a response with watch ID -1 that is not a creation is a stream-wide progress
 * notification and goes to every live watcher; a cancel ends its watcher, whose ID may then be
 * reused.
 *
 * <p>Not thread-safe: feed it from one thread, in arrival order.
 */
public final class StreamRecording {

    private final ArrayDeque<WatchSpec> awaitingCreated = new ArrayDeque<>();
    private final Map<Long, ObservedWatch> live = new HashMap<>();
    private final List<ObservedWatch> watches = new ArrayList<>();
    private final List<WatchResponse> strays = new ArrayList<>();

    /** Records a create request as it is sent. */
    public void sent(WatchSpec spec) {
        awaitingCreated.addLast(spec);
    }

    public void received(WatchResponse response) {
        if (response.getCreated()) {
            WatchSpec spec = awaitingCreated.pollFirst();
            if (spec == null) {
                strays.add(response);
                return;
            }
            ObservedWatch watch = new ObservedWatch(spec);
            watch.add(response);
            watches.add(watch);
            if (!response.getCanceled()) {
                live.put(response.getWatchId(), watch);
            }
            return;
        }
        if (response.getWatchId() == -1) {
            live.values().forEach(watch -> watch.add(response));
            return;
        }
        ObservedWatch watch = live.get(response.getWatchId());
        if (watch == null) {
            strays.add(response);
            return;
        }
        watch.add(response);
        if (response.getCanceled()) {
            live.remove(response.getWatchId());
        }
    }

    /** Every watcher created so far, refused ones included, in creation order. */
    public List<ObservedWatch> watches() {
        return watches;
    }

    /** The watch ID the server gave the {@code n}th create request (from 0), or -1 if refused. */
    public long watchId(int n) {
        return watches.get(n).responses().get(0).getWatchId();
    }

    /** Responses for no known watcher: a correct server sends none. */
    public List<WatchResponse> strays() {
        return strays;
    }
}
