package io.etcetera.it;

import static io.etcetera.it.MemberJetcdIT.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * jetcd against a real member process, for watches and leases: replay from a revision, a
 * compacted start, progress notifications, cancel, filters, prev_kv, many watchers on one stream;
 * lease grant and its errors, put with a lease, keepalive streams, expiry deleting the attached
 * keys with delete events, revoke, TimeToLive with keys. The member runs etcd's default timing
 * (election timeout 1 s: minimum TTL 2 s) and a 500 ms progress-notify interval.
 */
class WatchLeaseJetcdIT {

    private static final Duration EVENT_WAIT = Duration.ofSeconds(20);

    private static ClientSession session;
    private static Client client;
    private static KV kv;
    private static Watch watch;
    private static Lease lease;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        session = ClientSession.start("watch-lease-",
                List.of("--experimental-watch-progress-notify-interval", "500ms"));
        client = session.client();
        channel = session.channel();
        kv = client.getKVClient();
        watch = client.getWatchClient();
        lease = client.getLeaseClient();
    }

    @AfterAll
    static void stop() throws Exception {
        if (session != null) {
            session.close();
        }
    }

    private static long put(String key, String value) throws Exception {
        return kv.put(bytes(key), bytes(value)).get().getHeader().getRevision();
    }

    /** The current revision. */
    private static long now() throws Exception {
        return kv.get(bytes("none")).get().getHeader().getRevision();
    }

    private static long put(String key, String value, long leaseId) throws Exception {
        return kv.put(bytes(key), bytes(value), PutOption.builder().withLeaseId(leaseId).build())
                .get().getHeader().getRevision();
    }

    /** Every response of one jetcd watcher, and its error if it ended with one. */
    private static final class Received {
        final List<WatchResponse> responses = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();

        Watch.Listener listener() {
            return Watch.listener(responses::add, error::complete);
        }

        List<WatchEvent> events() {
            return responses.stream().flatMap(response -> response.getEvents().stream()).toList();
        }

        void awaitEvents(int count) {
            await().atMost(EVENT_WAIT).until(() -> events().size() >= count);
        }
    }

    private static Received watch(String key, WatchOption option) {
        Received received = new Received();
        watch.watch(bytes(key), option, received.listener());
        return received;
    }

    private static String describe(WatchEvent event) {
        return event.getEventType() + " " + event.getKeyValue().getKey() + "="
                + event.getKeyValue().getValue() + "@" + event.getKeyValue().getModRevision();
    }

    @Test
    void replayFromARevisionGivesEveryLaterEventInOrder() throws Exception {
        long first = put("replay/k", "1");
        put("replay/k", "2");
        kv.delete(bytes("replay/k")).get();
        long last = put("replay/k", "3");
        Received received = watch("replay/k", WatchOption.builder().withRevision(first).build());
        received.awaitEvents(4);
        assertThat(received.events()).extracting(WatchLeaseJetcdIT::describe).containsExactly(
                "PUT replay/k=1@" + first, "PUT replay/k=2@" + (first + 1),
                "DELETE replay/k=@" + (first + 2), "PUT replay/k=3@" + last);
        WatchEvent created = received.events().get(0);
        assertThat(created.getKeyValue().getCreateRevision())
                .as("a create event has create_revision == mod_revision").isEqualTo(first);
        assertThat(received.events().get(3).getKeyValue().getVersion()).isEqualTo(1);
    }

    @Test
    void aCompactedStartCancelsTheWatchWithTheCompactRevision() throws Exception {
        long first = put("compacted/k", "1");
        put("compacted/k", "2");
        long compactAt = put("compacted/k", "3");
        kv.compact(compactAt).get();
        Received received = watch("compacted/k", WatchOption.builder().withRevision(first).build());
        Throwable error = received.error.get(20, TimeUnit.SECONDS);
        assertThat(error).isInstanceOf(CompactedException.class);
        assertThat(((CompactedException) error).getCompactedRevision()).isEqualTo(compactAt);
    }

    @Test
    void aFutureStartWaitsForItsRevision() throws Exception {
        long now = put("future/k", "0");
        Received received = watch("future/k", WatchOption.builder().withRevision(now + 3).build());
        put("future/k", "1");
        put("future/k", "2");
        put("future/k", "3");
        received.awaitEvents(1);
        assertThat(received.events()).extracting(WatchLeaseJetcdIT::describe)
                .containsExactly("PUT future/k=3@" + (now + 3));
    }

    @Test
    void anIdleWatcherGetsProgressNotificationsAndProgressOnRequest() throws Exception {
        long revision = put("progress/other", "x");
        Received received = watch("progress/idle",
                WatchOption.builder().withProgressNotify(true).build());
        await().atMost(EVENT_WAIT).until(() -> received.responses.stream()
                .anyMatch(WatchResponse::isProgressNotify));
        WatchResponse progress = received.responses.stream()
                .filter(WatchResponse::isProgressNotify).findFirst().orElseThrow();
        assertThat(progress.getHeader().getRevision()).isGreaterThanOrEqualTo(revision);
        assertThat(progress.getEvents()).isEmpty();
        Received requested = watch("progress/requested",
                WatchOption.builder().withCreateNotify(true).build());
        await().atMost(EVENT_WAIT).until(() -> !requested.responses.isEmpty());
        long later = put("progress/other", "y");
        int before = requested.responses.size();
        watch.requestProgress();
        await().atMost(EVENT_WAIT).until(() -> requested.responses.size() > before);
        assertThat(requested.responses.get(before).isProgressNotify()).isTrue();
        assertThat(requested.responses.get(requested.responses.size() - 1).getHeader()
                .getRevision()).isGreaterThanOrEqualTo(later);
    }

    @Test
    void aCanceledWatcherGetsNoMoreEvents() throws Exception {
        Received received = new Received();
        long first = put("cancel/k", "1");
        Watch.Watcher watcher = watch.watch(bytes("cancel/k"),
                WatchOption.builder().withRevision(first).build(), received.listener());
        received.awaitEvents(1);
        watcher.close();
        put("cancel/k", "2");
        Received witness = watch("cancel/k", WatchOption.builder().withRevision(first).build());
        witness.awaitEvents(2);
        assertThat(received.events()).hasSize(1);
    }

    @Test
    void filtersDropTheirEventTypeAndPrevKvCarriesTheOldPair() throws Exception {
        long first = now() + 1;
        Received noPut = watch("filter/", WatchOption.builder().isPrefix(true).withNoPut(true)
                .withRevision(first).build());
        Received noDelete = watch("filter/", WatchOption.builder().isPrefix(true)
                .withNoDelete(true).withPrevKV(true).withRevision(first).build());
        assertThat(put("filter/a", "1")).isEqualTo(first);
        put("filter/a", "2");
        kv.delete(bytes("filter/a")).get();
        put("filter/b", "3");
        noPut.awaitEvents(1);
        noDelete.awaitEvents(3);
        assertThat(noPut.events()).extracting(WatchLeaseJetcdIT::describe)
                .containsExactly("DELETE filter/a=@" + (first + 2));
        assertThat(noDelete.events()).extracting(WatchLeaseJetcdIT::describe).containsExactly(
                "PUT filter/a=1@" + first, "PUT filter/a=2@" + (first + 1),
                "PUT filter/b=3@" + (first + 3));
        assertThat(noDelete.events().get(1).getPrevKV().getValue()).isEqualTo(bytes("1"));
        assertThat(noDelete.events().get(1).getPrevKV().getModRevision()).isEqualTo(first);
    }

    @Test
    void aThousandWatchersEachGetTheirKey() throws Exception {
        int watcherCount = 1000;
        long start = put("many/start", "go");
        List<Received> watchers = new ArrayList<>();
        for (int i = 0; i < watcherCount; i++) {
            // From a revision: jetcd opens each watcher on its own stream, asynchronously.
            watchers.add(watch("many/" + i, WatchOption.builder().withRevision(start + 1)
                    .build()));
        }
        List<CompletableFuture<?>> puts = new ArrayList<>();
        for (int i = 0; i < watcherCount; i++) {
            puts.add(kv.put(bytes("many/" + i), bytes("v" + i)));
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> watchers.stream().allMatch(w -> !w.events().isEmpty()));
        for (int i = 0; i < watcherCount; i++) {
            List<WatchEvent> events = watchers.get(i).events();
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getKeyValue().getValue()).isEqualTo(bytes("v" + i));
            assertThat(events.get(0).getKeyValue().getModRevision()).isGreaterThan(start);
        }
    }

    @Test
    void grantAttachAndTimeToLiveWithKeys() throws Exception {
        long id = lease.grant(60).get().getID();
        put("ttl/a", "1", id);
        put("ttl/b", "2", id);
        io.etcd.jetcd.lease.LeaseTimeToLiveResponse ttl =
                lease.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()).get();
        assertThat(ttl.getGrantedTTL()).isEqualTo(60);
        assertThat(ttl.getTTL()).isBetween(50L, 60L);
        assertThat(ttl.getKeys()).containsExactlyInAnyOrder(bytes("ttl/a"), bytes("ttl/b"));
        kv.put(bytes("ttl/a"), bytes("3"), PutOption.builder().build()).get();
        assertThat(lease.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()).get()
                .getKeys()).as("a put without the lease detaches the key")
                .containsExactly(bytes("ttl/b"));
        LeaseTimeToLiveResponse unknown = LeaseGrpc.newBlockingStub(channel).leaseTimeToLive(
                LeaseTimeToLiveRequest.newBuilder().setID(0x7777).build());
        assertThat(unknown.getTTL()).as("an unknown lease answers TTL -1").isEqualTo(-1);
        assertThat(unknown.getID()).isEqualTo(0x7777);
    }

    @Test
    void leaseErrorsAreEtcds() throws Exception {
        LeaseGrpc.LeaseBlockingStub stub = LeaseGrpc.newBlockingStub(channel);
        long id = stub.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x4242).setTTL(1).build())
                .getID();
        assertThat(id).as("a client-chosen ID is kept").isEqualTo(0x4242);
        assertThat(lease.timeToLive(id, LeaseOption.DEFAULT).get().getGrantedTTL())
                .as("TTL raised to ceil(1.5 election timeouts)").isEqualTo(2);
        assertThatThrownBy(() -> stub.leaseGrant(
                LeaseGrantRequest.newBuilder().setID(0x4242).setTTL(10).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("etcdserver: lease already exists");
                });
        assertThatThrownBy(() -> stub.leaseGrant(
                LeaseGrantRequest.newBuilder().setTTL(9_000_000_001L).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("etcdserver: too large lease TTL");
                });
        assertThatThrownBy(() -> put("errors/k", "v", 0x5151))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("etcdserver: requested lease not found");
        assertThatThrownBy(() -> lease.revoke(0x5151).get())
                .hasMessageContaining("etcdserver: requested lease not found");
    }

    @Test
    void ignoreLeaseKeepsTheAttachedLease() throws Exception {
        long id = lease.grant(60).get().getID();
        put("ignore/k", "1", id);
        KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("ignore/k"))
                .setValue(com.google.protobuf.ByteString.copyFromUtf8("2")).setIgnoreLease(true)
                .build());
        io.etcd.jetcd.KeyValue pair = kv.get(bytes("ignore/k")).get().getKvs().get(0);
        assertThat(pair.getLease()).isEqualTo(id);
        assertThat(pair.getValue()).isEqualTo(bytes("2"));
    }

    @Test
    void revokeDeletesEveryAttachedKeyAtOneRevisionWithDeleteEvents() throws Exception {
        long id = lease.grant(60).get().getID();
        put("revoke/a", "1", id);
        put("revoke/b", "2", id);
        put("revoke/c", "3");
        Received received = watch("revoke/", WatchOption.builder().isPrefix(true)
                .withRevision(now() + 1).build());
        long revision = lease.revoke(id).get().getHeader().getRevision();
        received.awaitEvents(2);
        assertThat(received.events()).extracting(WatchLeaseJetcdIT::describe)
                .containsExactly("DELETE revoke/a=@" + revision, "DELETE revoke/b=@" + revision);
        assertThat(received.responses.stream().filter(r -> !r.getEvents().isEmpty()))
                .as("one revision's events in one response").hasSize(1);
        assertThat(kv.get(bytes("revoke/"), io.etcd.jetcd.options.GetOption.builder()
                .isPrefix(true).build()).get().getKvs()).hasSize(1);
    }

    @Test
    void keepAliveKeepsALeaseAndExpiryDeletesItsKeysWithDeleteEvents() throws Exception {
        long kept = lease.grant(2).get().getID();
        long dropped = lease.grant(2).get().getID();
        put("expiry/kept", "1", kept);
        long attached = put("expiry/dropped", "2", dropped);
        Received received = watch("expiry/", WatchOption.builder().isPrefix(true)
                .withRevision(attached + 1).build());
        LinkedBlockingQueue<io.etcd.jetcd.lease.LeaseKeepAliveResponse> answers =
                new LinkedBlockingQueue<>();
        try (var keepAlive = lease.keepAlive(kept, observer(answers))) {
            received.awaitEvents(1);
            WatchEvent expired = received.events().get(0);
            assertThat(describe(expired)).startsWith("DELETE expiry/dropped=@");
            assertThat(lease.timeToLive(dropped, LeaseOption.DEFAULT).get().getTTL())
                    .isEqualTo(-1);
            // Well past the TTL: the kept lease lives on.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < deadline) {
                assertThat(answers.poll(5, TimeUnit.SECONDS)).isNotNull()
                        .satisfies(answer -> assertThat(answer.getTTL()).isEqualTo(2));
            }
            assertThat(kv.get(bytes("expiry/kept")).get().getKvs()).hasSize(1);
        }
        received.awaitEvents(2);
        assertThat(describe(received.events().get(1))).startsWith("DELETE expiry/kept=@");
    }

    @Test
    void keepAliveOfAnUnknownLeaseAnswersTtlZero() throws Exception {
        LinkedBlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(channel)
                .leaseKeepAlive(observer(answers));
        long id = lease.grant(30).get().getID();
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(0x6161).build());
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
        LeaseKeepAliveResponse unknown = answers.poll(10, TimeUnit.SECONDS);
        LeaseKeepAliveResponse known = answers.poll(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertThat(unknown.getID()).isEqualTo(0x6161);
        assertThat(unknown.getTTL()).isZero();
        assertThat(known.getID()).isEqualTo(id);
        assertThat(known.getTTL()).isEqualTo(30);
        assertThat(known.getHeader().getMemberId()).isNotZero();
    }

    /** Collects a stream's answers; ignores its end. */
    static <T> StreamObserver<T> observer(LinkedBlockingQueue<T> answers) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
