package io.etcetera.server;

import io.etcetera.mvcc.watch.WatchableStore;

/**
 * The watches of a member: opens one {@link WatchSession} per client Watch call over the member's
 * {@link WatchableStore}, which the apply thread notifies after each commit.
 *
 * <p>Thread-safe.
 */
public final class Watches {

    private final WatchableStore watchable;

    Watches(WatchableStore watchable) {
        this.watchable = watchable;
    }

    /**
     * A new session; {@code onPending} runs (on the thread that queued, never to block) when
     * responses wait to be drained.
     */
    public WatchSession open(Runnable onPending) {
        return new WatchSession(watchable.openStream(onPending));
    }
}
