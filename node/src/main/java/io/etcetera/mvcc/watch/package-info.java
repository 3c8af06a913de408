/**
 * Watches over the multi-version store, after etcd's {@code watchable_store.go}, {@code
 * watcher_group.go}, {@code watcher.go} and the stream half of {@code v3rpc/watch.go}: a {@link
 * io.etcetera.mvcc.watch.WatchableStore} fans each commit's events out to its synced watchers,
 * catches unsynced watchers up from the revision-ordered history, parks victims whose stream is
 * full, and queues responses on each {@link io.etcetera.mvcc.watch.WatchStream}, whose consumer is
 * the gRPC Watch call.
 *
 * <p>Imports {@code mvcc} and the leaves. Responses are etcd's own {@code
 * io.etcd.jetcd.api.WatchResponse}; the fields jetcd's classes lack ({@code watch_id}, {@code
 * fragment}) are read and written as unknown fields ({@link io.etcetera.mvcc.watch.WatchFields}).
 *
 * <p>Threads: the apply thread calls {@code notify} after each commit; the {@code watch-sync}
 * thread runs catch-up, victim retries and progress notifications; gRPC threads call the stream
 * methods and drain responses. See {@link io.etcetera.mvcc.watch.WatchableStore}.
 */
package io.etcetera.mvcc.watch;
