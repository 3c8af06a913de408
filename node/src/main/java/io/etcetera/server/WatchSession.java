package io.etcetera.server;

import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.mvcc.watch.WatchStream;

import java.util.function.Consumer;

/**
 * One client's Watch call as the api drives it: the server's face of a {@link WatchStream}, whose
 * contract it keeps (requests in arrival order from the call's thread, {@link #drain} whenever the
 * {@code onPending} callback given to {@link Watches#open} runs or the transport is ready again,
 * {@link #close} when the call ends).
 *
 * <p>Thread-safe as {@link WatchStream} is.
 */
public final class WatchSession implements AutoCloseable {

    private final WatchStream stream;

    WatchSession(WatchStream stream) {
        this.stream = stream;
    }

    /** etcd's create request: a created (or refused) response, then the watcher's events. */
    public void create(WatchCreateRequest request) {
        stream.create(request);
    }

    /** etcd's cancel request; an unknown watch ID is ignored. */
    public void cancel(long watchId) {
        stream.cancel(watchId);
    }

    /** etcd's progress request: the current revision once every watcher is synced. */
    public void requestProgress() {
        stream.requestProgress();
    }

    /** Hands up to {@code responsesMax} queued responses to {@code consumer}; returns how many. */
    public int drain(int responsesMax, Consumer<WatchResponse> consumer) {
        return stream.drain(responsesMax, consumer);
    }

    /** Whether the api may read the next request (the control backlog is below its maximum). */
    public boolean acceptsRequests() {
        return stream.acceptsRequests();
    }

    /** Cancels every watcher of the call; idempotent. */
    @Override
    public void close() {
        stream.close();
    }
}
