package io.etcetera.mvcc.watch;

/**
 * How many streams and watchers a watchable store holds, by group (for etcd's watcher gauges and
 * for tests).
 *
 * <p>Immutable.
 *
 * @param streams open watch streams
 * @param watchers watchers not canceled: {@code synced + unsynced + victims}
 * @param synced watchers that receive events as they are committed
 * @param unsynced watchers catching up from history
 * @param victims watchers whose stream was full, waiting for it to drain
 */
public record WatchCounts(int streams, int watchers, int synced, int unsynced, int victims) {

    /** etcd's slow watchers: unsynced plus victims. */
    public int slow() {
        return unsynced + victims;
    }
}
