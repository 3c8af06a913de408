package io.etcetera.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.options.WatchOption;
import io.etcetera.watchcheck.JetcdResponses;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads back every committed event of a cluster, revision 1 to a final one, with a watch over all
 * keys: the truth the watchers are checked against. Nothing is compacted during a fault run, so
 * the whole history can be replayed.
 *
 * <p>Stateless; blocks the calling thread until the final revision arrives.
 */
final class CommittedEvents {

    private CommittedEvents() {}

    static List<Event> read(Client client, long finalRevision, Duration max) throws Exception {
        List<Event> events = new ArrayList<>();
        CompletableFuture<List<Event>> done = new CompletableFuture<>();
        ByteSequence all = ByteSequence.from(new byte[] {0});
        WatchOption option = WatchOption.builder().withRange(all).withRevision(1).build();
        Watch.Listener listener = Watch.listener(response -> {
            for (Event event : JetcdResponses.of(response).getEventsList()) {
                events.add(event);
                if (event.getKv().getModRevision() >= finalRevision) {
                    done.complete(List.copyOf(events));
                }
            }
        }, done::completeExceptionally);
        try (Watch.Watcher watcher = client.getWatchClient().watch(all, option, listener)) {
            return done.get(max.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
