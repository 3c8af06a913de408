package io.etcetera.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.watchcheck.History;
import io.etcetera.watchcheck.StreamRecording;
import io.etcetera.watchcheck.WatchChecker;
import io.etcetera.watchcheck.WatchSpec;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The watch checker over a recorded history of concurrent writes against a real member process:
 * writers put, delete and write two-key txns on a small key space at once; three raw gRPC watch
 * streams watch it with every create form (one key, a range, a prefix, from-key, filters, prev_kv,
 * replay from an early revision, client-chosen watch IDs), one of them with a thousand watchers
 * and one whose client reads nothing until the writers are done. The history the checker takes as
 * the truth is built from the writers' acknowledged responses and ranges at each revision, not
 * from any watch. Every watcher must then get exactly its events, in order, whole revisions at a
 * time, with the right prev_kv, and the slow consumer must neither block the writers nor the
 * other streams.
 */
class WatchHistoryIT {

    private static final long SEED = Long.getLong("watchhistory.seed", 0x5eedL);
    private static final int KEYS = 24;
    private static final int WRITERS = 4;
    private static final int OPS_PER_WRITER = 150;
    private static final int MANY_WATCHERS = 1000;
    private static final String PREFIX = "h/";

    private static Path work;
    private static MemberProcess member;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory(Path.of("target"), "watch-history-");
        member = MemberProcess.start(work.resolve("member"), List.of());
        channel = NettyChannelBuilder.forTarget(member.endpoint()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (member != null) {
            member.close();
        }
    }

    private static ByteString key(int i) {
        return ByteString.copyFromUtf8(String.format("%s%02d", PREFIX, i));
    }

    /** One acknowledged write: its revision and the keys it changed, in change order. */
    private record Write(long revision, List<ByteString> puts, ByteString deleted) {}

    /** A watch stream whose responses are recorded as they arrive. */
    private static final class RecordedStream implements ClientResponseObserver<WatchRequest,
            WatchResponse> {
        final StreamRecording recording = new StreamRecording();
        final boolean slow;
        ClientCallStreamObserver<WatchRequest> requests;
        long progressRevision;

        RecordedStream(boolean slow) {
            this.slow = slow;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
            requests = call;
            if (slow) {
                call.disableAutoRequestWithInitial(0);
            }
        }

        synchronized void create(WatchCreateRequest request) {
            recording.sent(WatchSpec.of(request));
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(request).build());
        }

        synchronized void requestProgress() {
            requests.onNext(WatchRequest.newBuilder()
                    .setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
        }

        synchronized long progressRevision() {
            return progressRevision;
        }

        @Override
        public synchronized void onNext(WatchResponse response) {
            recording.received(response);
            if (response.getWatchId() == -1 && !response.getCreated()) {
                progressRevision = Math.max(progressRevision, response.getHeader().getRevision());
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }

    private static RecordedStream open(boolean slow) {
        RecordedStream stream = new RecordedStream(slow);
        WatchGrpc.newStub(channel).watch(stream);
        return stream;
    }

    @Test
    void everyWatcherSeesExactlyItsEventsUnderConcurrentWrites() throws Exception {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        long base = kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("other"))
                .build()).getHeader().getRevision();
        RecordedStream forms = open(false);
        RecordedStream many = open(false);
        RecordedStream slow = open(true);
        SplittableRandom random = new SplittableRandom(SEED);
        createForms(forms, base);
        createForms(slow, base);
        for (int i = 0; i < MANY_WATCHERS; i++) {
            many.create(single(random.nextInt(KEYS), random));
        }
        List<CompletableFuture<List<Write>>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            long seed = random.nextLong();
            writers.add(CompletableFuture.supplyAsync(() -> write(seed)));
        }
        List<Write> writes = new ArrayList<>();
        for (CompletableFuture<List<Write>> writer : writers) {
            writes.addAll(writer.get(120, TimeUnit.SECONDS));
        }
        History history = history(kv, writes);
        long last = writes.stream().mapToLong(Write::revision).max().orElseThrow();
        WatchChecker checker = new WatchChecker(history);
        for (RecordedStream stream : List.of(forms, many)) {
            awaitProgress(stream, last);
            checker.assertComplete(stream.recording.watches());
            assertThat(stream.recording.strays()).isEmpty();
        }
        assertThat(slow.progressRevision()).as("the slow client has read nothing").isZero();
        slow.requests.request(Integer.MAX_VALUE);
        awaitProgress(slow, last);
        checker.assertComplete(slow.recording.watches());
        assertThat(slow.recording.strays()).isEmpty();
        assertThat(history.eventCount()).isGreaterThan(WRITERS * OPS_PER_WRITER / 2);
    }

    /** Asks for progress until a progress response at or past {@code revision} arrived. */
    private static void awaitProgress(RecordedStream stream, long revision) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            stream.requestProgress();
            return stream.progressRevision() >= revision;
        });
    }

    /** Every create form, each with and without prev_kv where it matters. */
    private static void createForms(RecordedStream stream, long base) {
        ByteString prefixEnd = ByteString.copyFromUtf8("h0");
        stream.create(WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(PREFIX))
                .setRangeEnd(prefixEnd).setPrevKv(true).build());
        stream.create(WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(PREFIX))
                .setRangeEnd(prefixEnd).setStartRevision(base + 1).build());
        stream.create(WatchCreateRequest.newBuilder().setKey(key(3)).build());
        stream.create(WatchCreateRequest.newBuilder().setKey(key(5)).setRangeEnd(key(12))
                .setPrevKv(true).setStartRevision(base).build());
        stream.create(WatchCreateRequest.newBuilder().setKey(key(20))
                .setRangeEnd(ByteString.copyFrom(new byte[] {0})).build());
        stream.create(WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(PREFIX))
                .setRangeEnd(prefixEnd).addFilters(WatchCreateRequest.FilterType.NOPUT)
                .setPrevKv(true).build());
        stream.create(WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(PREFIX))
                .setRangeEnd(prefixEnd).addFilters(WatchCreateRequest.FilterType.NODELETE)
                .setProgressNotify(true).build());
        stream.create(io.etcetera.mvcc.watch.WatchFields.withIdAndFragment(
                WatchCreateRequest.newBuilder().setKey(key(7)).setPrevKv(true).build(), 4242,
                false));
    }

    private static WatchCreateRequest single(int key, SplittableRandom random) {
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder().setKey(key(key))
                .setPrevKv(random.nextBoolean());
        if (random.nextInt(4) == 0) {
            create.addFilters(random.nextBoolean() ? WatchCreateRequest.FilterType.NOPUT
                    : WatchCreateRequest.FilterType.NODELETE);
        }
        return create.build();
    }

    /** One writer: puts, deletes and two-key txns on random keys; its acknowledged writes. */
    private static List<Write> write(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        List<Write> writes = new ArrayList<>();
        for (int op = 0; op < OPS_PER_WRITER; op++) {
            int choice = random.nextInt(10);
            ByteString first = key(random.nextInt(KEYS));
            if (choice < 5) {
                long revision = kv.put(PutRequest.newBuilder().setKey(first)
                        .setValue(ByteString.copyFromUtf8("v" + random.nextInt(1000))).build())
                        .getHeader().getRevision();
                writes.add(new Write(revision, List.of(first), null));
            } else if (choice < 8) {
                DeleteRangeResponse deleted = kv.deleteRange(
                        DeleteRangeRequest.newBuilder().setKey(first).build());
                if (deleted.getDeleted() == 1) {
                    writes.add(new Write(deleted.getHeader().getRevision(), List.of(), first));
                }
            } else {
                ByteString second = key((Integer.parseInt(first.toStringUtf8().substring(2)) + 1
                        + random.nextInt(KEYS - 1)) % KEYS);
                long revision = kv.txn(TxnRequest.newBuilder()
                        .addSuccess(putOp(first, random)).addSuccess(putOp(second, random))
                        .build()).getHeader().getRevision();
                writes.add(new Write(revision, List.of(first, second), null));
            }
        }
        return writes;
    }

    private static RequestOp putOp(ByteString key, SplittableRandom random) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)
                .setValue(ByteString.copyFromUtf8("t" + random.nextInt(1000)))).build();
    }

    /** The committed events, from the acknowledged writes and a range at each revision. */
    private static History history(KVGrpc.KVBlockingStub kv, List<Write> writes) {
        List<Write> ordered = new ArrayList<>(writes);
        ordered.sort(Comparator.comparingLong(Write::revision));
        List<Event> events = new ArrayList<>();
        long previous = 0;
        for (Write write : ordered) {
            assertThat(write.revision()).as("two writes acknowledged at one revision")
                    .isGreaterThan(previous);
            previous = write.revision();
            if (write.deleted() != null) {
                events.add(Event.newBuilder().setType(Event.EventType.DELETE)
                        .setKv(KeyValue.newBuilder().setKey(write.deleted())
                                .setModRevision(write.revision())).build());
            }
            for (ByteString put : write.puts()) {
                KeyValue kv0 = kv.range(RangeRequest.newBuilder().setKey(put)
                        .setRevision(write.revision()).build()).getKvs(0);
                assertThat(kv0.getModRevision()).isEqualTo(write.revision());
                events.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv0).build());
            }
        }
        return History.of(events);
    }
}
