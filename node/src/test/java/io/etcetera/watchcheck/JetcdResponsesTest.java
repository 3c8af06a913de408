package io.etcetera.watchcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;

import org.junit.jupiter.api.Test;

/** What a jetcd listener receives converts back into the protobuf response etcd sent. */
class JetcdResponsesTest {

    private static KeyValue kv(String key, String value, long create, long mod, long version) {
        return KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value))
                .setCreateRevision(create)
                .setModRevision(mod)
                .setVersion(version)
                .setLease(7)
                .build();
    }

    @Test
    void eventsWithAndWithoutPrevKvAndCreatedResponsesSurviveTheRoundTrip() {
        WatchResponse sent =
                WatchResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(9))
                        .addEvents(
                                Event.newBuilder()
                                        .setType(Event.EventType.PUT)
                                        .setKv(kv("a", "1", 8, 8, 1)))
                        .addEvents(
                                Event.newBuilder()
                                        .setType(Event.EventType.PUT)
                                        .setKv(kv("b", "2", 3, 9, 2))
                                        .setPrevKv(kv("b", "1", 3, 3, 1)))
                        .addEvents(
                                Event.newBuilder()
                                        .setType(Event.EventType.DELETE)
                                        .setKv(
                                                KeyValue.newBuilder()
                                                        .setKey(ByteString.copyFromUtf8("c"))
                                                        .setModRevision(9))
                                        .setPrevKv(kv("c", "x", 2, 2, 1)))
                        .build();
        WatchResponse received = JetcdResponses.of(new io.etcd.jetcd.watch.WatchResponse(sent));
        assertThat(received).isEqualTo(sent);

        WatchResponse created =
                WatchResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(4))
                        .setCreated(true)
                        .build();
        assertThat(JetcdResponses.of(new io.etcd.jetcd.watch.WatchResponse(created)))
                .isEqualTo(created);
        assertThat(JetcdResponses.compacted(5).getCompactRevision()).isEqualTo(5);
    }
}
