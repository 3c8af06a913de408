package io.etcetera.watchcheck;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;
import io.etcd.jetcd.watch.WatchEvent;

/**
 * Turns what a jetcd {@code Watch.Listener} receives into the protobuf responses the checker reads,
 * for tests that watch a real member through jetcd: {@code onNext} responses with {@link #of}
 * (create the watch with {@code WatchOption.withCreatedNotify(true)} when it starts from "now", so
 * that the checker learns its start revision), a compaction error with {@link #compacted}.
 *
 * <p>Stateless; any thread.
 */
public final class JetcdResponses {

    private JetcdResponses() {}

    public static WatchResponse of(io.etcd.jetcd.watch.WatchResponse response) {
        WatchResponse.Builder built =
                WatchResponse.newBuilder()
                        .setHeader(
                                ResponseHeader.newBuilder()
                                        .setRevision(response.getHeader().getRevision()))
                        .setCreated(response.isCreatedNotify());
        for (WatchEvent event : response.getEvents()) {
            Event.Builder converted =
                    Event.newBuilder()
                            .setType(
                                    event.getEventType() == WatchEvent.EventType.DELETE
                                            ? Event.EventType.DELETE
                                            : Event.EventType.PUT)
                            .setKv(kv(event.getKeyValue()));
            io.etcd.jetcd.KeyValue prev = event.getPrevKV();
            if (prev != null && prev.getModRevision() != 0) {
                converted.setPrevKv(kv(prev));
            }
            built.addEvents(converted);
        }
        return built.build();
    }

    /** What jetcd reports as a {@code CompactedException}: the watcher was canceled. */
    public static WatchResponse compacted(long compactRevision) {
        return WatchResponse.newBuilder()
                .setCanceled(true)
                .setCompactRevision(compactRevision)
                .build();
    }

    private static KeyValue kv(io.etcd.jetcd.KeyValue kv) {
        return KeyValue.newBuilder()
                .setKey(ByteString.copyFrom(kv.getKey().getBytes()))
                .setValue(ByteString.copyFrom(kv.getValue().getBytes()))
                .setCreateRevision(kv.getCreateRevision())
                .setModRevision(kv.getModRevision())
                .setVersion(kv.getVersion())
                .setLease(kv.getLease())
                .build();
    }
}
