package io.etcetera.mvcc.watch;

import static io.etcetera.mvcc.watch.WatchFixture.bytes;
import static io.etcetera.mvcc.watch.WatchFixture.putRequest;
import static io.etcetera.mvcc.watch.WatchFixture.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.watchcheck.WatchSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;

/**
 * etcd's watch semantics on a real store, one behaviour per test, with the sync steps driven by the
 * test. Every test ends by checking all watchers against the committed history.
 */
class WatchableStoreTest {

    @TempDir java.nio.file.Path directory;

    private WatchFixture fixture;

    @BeforeEach
    void open() {
        fixture = new WatchFixture(directory, WatchConfig.defaults());
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private static List<String> keys(WatchResponse response) {
        return response.getEventsList().stream()
                .map(event -> event.getKv().getKey().toStringUtf8())
                .toList();
    }

    @Test
    void watchFromNowAnswersCreatedAtTheCurrentRevisionThenSendsOnlyLaterEvents() {
        fixture.put("a", "1");
        WatchClient client = fixture.client();
        client.create(watch("a").build());
        List<WatchResponse> created = client.drain();
        assertThat(created).hasSize(1);
        assertThat(created.get(0).getCreated()).isTrue();
        assertThat(created.get(0).getWatchId()).isZero();
        assertThat(created.get(0).getHeader().getRevision()).isEqualTo(2);
        assertThat(created.get(0).getHeader().getClusterId()).isEqualTo(WatchFixture.CLUSTER_ID);

        fixture.put("a", "2");
        fixture.put("b", "x");
        List<WatchResponse> events = client.drain();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getHeader().getRevision()).isEqualTo(3);
        assertThat(events.get(0).getEvents(0).getKv().getValue()).isEqualTo(bytes("2"));
        assertThat(fixture.watchable.counts().synced()).isEqualTo(1);
        fixture.assertAllComplete();
    }

    @Test
    void watchFromAPastRevisionReplaysHistoryThenFollowsLiveEvents() {
        fixture.put("a/1", "x");
        fixture.put("b", "x");
        fixture.put("a/2", "x");
        fixture.delete("a/1");
        WatchClient client = fixture.client();
        client.create(watch("a/", "a0").setStartRevision(3).build());
        assertThat(client.drain()).hasSize(1);
        assertThat(fixture.watchable.counts().unsynced()).isEqualTo(1);

        fixture.sync();
        List<WatchResponse> replay = client.drain();
        assertThat(replay).hasSize(1);
        assertThat(keys(replay.get(0))).containsExactly("a/2", "a/1");
        assertThat(fixture.watchable.counts().synced()).isEqualTo(1);

        fixture.put("a/3", "x");
        assertThat(keys(client.drain().get(0))).containsExactly("a/3");
        fixture.assertAllComplete();
    }

    @Test
    void historyBeyondTheRecentEventsComesInPagesThatNeverSplitARevision() {
        fixture.close();
        fixture =
                new WatchFixture(
                        directory.resolve("paged"),
                        WatchConfig.builder().syncLimits(512, 3, 0).build());
        for (int i = 0; i < 5; i++) {
            int round = i;
            fixture.apply(
                    batch ->
                            batch.txn(
                                    TxnRequest.newBuilder()
                                            .addSuccess(put("k/" + round + "a"))
                                            .addSuccess(put("k/" + round + "b"))
                                            .build()));
        }
        WatchClient client = fixture.client();
        client.create(watch("k/", "k0").setStartRevision(1).build());
        fixture.settle();
        List<WatchResponse> eventResponses =
                client.received.stream().filter(r -> r.getEventsCount() > 0).toList();
        assertThat(eventResponses).hasSizeGreaterThan(1);
        for (WatchResponse response : eventResponses) {
            assertThat(response.getEventsCount()).isEven();
        }
        fixture.assertAllComplete();
    }

    private static RequestOp put(String key) {
        return RequestOp.newBuilder().setRequestPut(putRequest(key, "v")).build();
    }

    @Test
    void watchFromACompactedRevisionIsCanceledWithTheCompactRevision() {
        for (int i = 0; i < 5; i++) {
            fixture.put("k", "v" + i);
        }
        fixture.compact(4);
        WatchClient client = fixture.client();
        client.create(watch("k").setStartRevision(3).build());
        client.create(watch("k").setStartRevision(4).build());
        fixture.settle();
        WatchResponse canceled = client.watches().get(0).responses().get(1);
        assertThat(canceled.getCanceled()).isTrue();
        assertThat(canceled.getCompactRevision()).isEqualTo(4);
        assertThat(canceled.getWatchId()).isEqualTo(client.recording.watchId(0));
        assertThat(client.watches().get(1).isCanceled()).isFalse();
        assertThat(fixture.watchable.counts().watchers()).isEqualTo(1);
        fixture.assertAllComplete();
    }

    @Test
    void negativeStartRevisionIsRefusedAsCompacted() {
        WatchClient client = fixture.client();
        client.create(watch("k").setStartRevision(-5).build());
        WatchResponse refused = client.drain().get(0);
        assertThat(refused.getCreated()).isTrue();
        assertThat(refused.getCanceled()).isTrue();
        assertThat(refused.getWatchId()).isEqualTo(-1);
        assertThat(refused.getCancelReason()).isEqualTo(WatchableStore.NEGATIVE_START);
        assertThat(fixture.watchable.counts().watchers()).isZero();
    }

    @Test
    void watchFromAFutureRevisionWaitsForIt() {
        WatchClient client = fixture.client();
        client.create(watch("k").setStartRevision(4).build());
        fixture.put("k", "2");
        fixture.put("k", "3");
        fixture.settle();
        assertThat(client.received).hasSize(1);
        fixture.put("k", "4");
        fixture.put("k", "5");
        fixture.settle();
        assertThat(client.received.stream().flatMap(r -> r.getEventsList().stream()))
                .extracting(event -> event.getKv().getModRevision())
                .containsExactly(4L, 5L);
        fixture.assertAllComplete();
    }

    @Test
    void progressRequestIsAnsweredAtOnceWhenEveryWatcherIsSynced() {
        fixture.put("a", "1");
        WatchClient client = fixture.client();
        client.create(watch("a").build());
        client.create(watch("b").setStartRevision(3).build());
        client.drain();
        client.stream.requestProgress();
        List<WatchResponse> progress = client.drain();
        assertThat(progress).hasSize(1);
        assertThat(progress.get(0).getWatchId()).isEqualTo(WatchableStore.NO_WATCH_ID);
        assertThat(progress.get(0).getEventsCount()).isZero();
        assertThat(progress.get(0).getCreated()).isFalse();
        assertThat(progress.get(0).getHeader().getRevision()).isEqualTo(2);
        fixture.assertAllComplete();
    }

    @Test
    void progressRequestWaitsUntilUnsyncedWatchersCaughtUp() {
        fixture.put("a", "1");
        fixture.put("a", "2");
        WatchClient client = fixture.client();
        client.create(watch("a").setStartRevision(2).build());
        client.stream.requestProgress();
        client.stream.requestProgress();
        assertThat(client.drain()).hasSize(1);
        fixture.sync();
        List<WatchResponse> after = client.drain();
        assertThat(after).hasSize(2);
        assertThat(after.get(0).getEventsCount()).isEqualTo(2);
        assertThat(after.get(1).getWatchId()).isEqualTo(WatchableStore.NO_WATCH_ID);
        assertThat(after.get(1).getHeader().getRevision()).isEqualTo(3);
        fixture.assertAllComplete();
    }

    @Test
    void progressRequestOnAStreamWithoutWatchersIsIgnored() {
        WatchClient client = fixture.client();
        client.stream.requestProgress();
        fixture.sync();
        assertThat(client.drain()).isEmpty();
    }

    @Test
    void progressNotifyComesEveryIntervalToAnIdleWatcherOnly() {
        fixture.close();
        fixture =
                new WatchFixture(
                        directory.resolve("progress"),
                        WatchConfig.builder()
                                .progressNotifyInterval(java.time.Duration.ofMinutes(1))
                                .build());
        WatchClient client = fixture.client();
        client.create(watch("a").setProgressNotify(true).build());
        client.create(watch("b").build());
        client.drain();
        fixture.clock.advance(java.time.Duration.ofSeconds(50));
        fixture.sync();
        assertThat(client.drain()).isEmpty();

        fixture.clock.advance(java.time.Duration.ofSeconds(16));
        fixture.sync();
        List<WatchResponse> first = client.drain();
        assertThat(first).hasSize(1);
        assertThat(first.get(0).getWatchId()).isEqualTo(client.recording.watchId(0));
        assertThat(first.get(0).getEventsCount()).isZero();
        assertThat(first.get(0).getHeader().getRevision()).isEqualTo(1);

        fixture.put("a", "1");
        client.drain();
        fixture.clock.advance(java.time.Duration.ofSeconds(66));
        fixture.sync();
        assertThat(client.drain()).as("elided after events").isEmpty();
        fixture.clock.advance(java.time.Duration.ofSeconds(66));
        fixture.sync();
        assertThat(client.drain()).extracting(r -> r.getHeader().getRevision()).containsExactly(2L);
        fixture.assertAllComplete();
    }

    @Test
    void cancelAnswersOnceAndStopsEvents() {
        WatchClient client = fixture.client();
        client.create(watch("a").build());
        client.drain();
        long id = client.recording.watchId(0);
        client.stream.cancel(id);
        client.stream.cancel(id);
        client.stream.cancel(42);
        List<WatchResponse> canceled = client.drain();
        assertThat(canceled).hasSize(1);
        assertThat(canceled.get(0).getCanceled()).isTrue();
        assertThat(canceled.get(0).getWatchId()).isEqualTo(id);
        fixture.put("a", "1");
        assertThat(client.drain()).isEmpty();
        assertThat(fixture.watchable.counts().watchers()).isZero();
        fixture.assertAllComplete();
    }

    @Test
    void filtersDropPutsOrDeletesAndSendNothingWhenAllAreDropped() {
        WatchClient client = fixture.client();
        client.create(watch("a").addFilters(WatchCreateRequest.FilterType.NOPUT).build());
        client.create(watch("a").addFilters(WatchCreateRequest.FilterType.NODELETE).build());
        client.drain();
        fixture.put("a", "1");
        fixture.delete("a");
        List<WatchResponse> responses = client.drain();
        assertThat(responses).hasSize(2);
        assertThat(responses.get(0).getEvents(0).getType()).isEqualTo(Event.EventType.PUT);
        assertThat(responses.get(0).getWatchId()).isEqualTo(client.recording.watchId(1));
        assertThat(responses.get(1).getEvents(0).getType()).isEqualTo(Event.EventType.DELETE);
        assertThat(responses.get(1).getWatchId()).isEqualTo(client.recording.watchId(0));
        fixture.assertAllComplete();
    }

    @Test
    void prevKvComesOnlyToWatchersThatAskForIt() {
        fixture.put("a", "1");
        WatchClient client = fixture.client();
        client.create(watch("a").setPrevKv(true).build());
        client.create(watch("a").build());
        client.create(watch("a").setPrevKv(true).setStartRevision(2).build());
        fixture.put("a", "2");
        fixture.delete("a");
        fixture.settle();
        List<Event> withPrev = events(client, 0);
        assertThat(withPrev).allMatch(Event::hasPrevKv);
        assertThat(withPrev.get(1).getPrevKv().getValue()).isEqualTo(bytes("2"));
        assertThat(events(client, 1)).noneMatch(Event::hasPrevKv);
        assertThat(events(client, 2).get(0).hasPrevKv()).as("replayed creation").isFalse();
        assertThat(events(client, 2).get(1).getPrevKv().getValue()).isEqualTo(bytes("1"));
        fixture.assertAllComplete();
    }

    private static List<Event> events(WatchClient client, int watch) {
        return client.watches().get(watch).responses().stream()
                .flatMap(response -> response.getEventsList().stream())
                .toList();
    }

    @Test
    void largeResponsesAreFragmentedForWatchersThatAllowIt() {
        fixture.close();
        long fragmentBytesMax = 400;
        fixture =
                new WatchFixture(
                        directory.resolve("fragments"),
                        WatchConfig.builder().fragmentBytesMax(fragmentBytesMax).build());
        WatchClient client = fixture.client();
        client.create(WatchFields.withIdAndFragment(watch("k", "l").build(), 7, true));
        client.create(watch("k", "l").build());
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        String value = "v".repeat(60);
        for (int i = 0; i < 12; i++) {
            txn.addSuccess(RequestOp.newBuilder().setRequestPut(putRequest("k" + i, value)));
        }
        fixture.apply(batch -> batch.txn(txn.build()));
        client.create(
                WatchFields.withIdAndFragment(
                        watch("k", "l").setStartRevision(2).build(), 9, true));
        fixture.settle();

        List<WatchResponse> live = client.watches().get(0).responses();
        assertThat(client.recording.watchId(0)).isEqualTo(7);
        assertFragmented(live.subList(1, live.size()), fragmentBytesMax);
        assertThat(client.watches().get(1).responses()).hasSize(2);
        List<WatchResponse> replayed = client.watches().get(2).responses();
        assertThat(replayed).allMatch(r -> r.getWatchId() == 9);
        assertFragmented(replayed.subList(1, replayed.size()), fragmentBytesMax);
        fixture.assertAllComplete();
    }

    /** One response of 12 events cut into fragments under the limit, all flagged but the last. */
    private static void assertFragmented(List<WatchResponse> pieces, long bytesMax) {
        assertThat(pieces).hasSizeGreaterThan(2);
        assertThat(pieces).allMatch(r -> r.getSerializedSize() < bytesMax);
        assertThat(pieces.subList(0, pieces.size() - 1)).allMatch(WatchFields::isFragment);
        assertThat(WatchFields.isFragment(pieces.get(pieces.size() - 1))).isFalse();
        assertThat(pieces.stream().mapToInt(WatchResponse::getEventsCount).sum()).isEqualTo(12);
    }

    @Test
    void duplicateWatchIdIsRefusedAndAutomaticIdsSkipChosenOnes() {
        WatchClient client = fixture.client();
        client.create(WatchFields.withIdAndFragment(watch("a").build(), 1, false));
        client.create(WatchFields.withIdAndFragment(watch("b").build(), 1, false));
        client.create(watch("c").build());
        client.create(watch("d").build());
        client.drain();
        assertThat(client.recording.watchId(0)).isEqualTo(1);
        WatchResponse refused = client.watches().get(1).responses().get(0);
        assertThat(refused.getCanceled()).isTrue();
        assertThat(refused.getWatchId()).isEqualTo(-1);
        assertThat(refused.getCancelReason()).isEqualTo(WatchableStore.DUPLICATE_WATCH_ID);
        assertThat(client.recording.watchId(2)).isZero();
        assertThat(client.recording.watchId(3)).isEqualTo(2);
        fixture.assertAllComplete();
    }

    @Test
    void emptyRangeIsRefused() {
        WatchClient client = fixture.client();
        client.create(watch("b", "a").build());
        client.create(watch("b", "b").build());
        List<WatchResponse> refused = client.drain();
        assertThat(refused).hasSize(2).allMatch(WatchResponse::getCanceled);
        assertThat(refused.get(0).getCancelReason()).isEqualTo(WatchableStore.EMPTY_RANGE);
    }

    @Test
    void keyPrefixFromKeyAndAllKeyRangesSeeTheirKeys() {
        WatchClient client = fixture.client();
        client.create(watch("a", "b").build());
        client.create(watch("b", "\0").build());
        client.create(watch("", "\0").build());
        client.create(watch("").build());
        client.create(watch("ab").build());
        for (String key : List.of("a", "ab", "abc", "b", "\0", "c\u00ff", "\u00ff")) {
            fixture.put(key, "v");
        }
        fixture.settle();
        assertThat(events(client, 0)).hasSize(3);
        assertThat(events(client, 1)).hasSize(3);
        assertThat(events(client, 2)).hasSize(7);
        assertThat(events(client, 3)).hasSize(1);
        assertThat(events(client, 4)).hasSize(1);
        fixture.assertAllComplete();
    }

    @Test
    void aTxnAndADeleteRangeEachArriveAsOneResponseInCommitOrder() {
        WatchClient client = fixture.client();
        client.create(watch("k", "l").setPrevKv(true).build());
        fixture.apply(
                batch ->
                        batch.txn(
                                TxnRequest.newBuilder()
                                        .addCompare(
                                                Compare.newBuilder()
                                                        .setKey(bytes("k1"))
                                                        .setTarget(Compare.CompareTarget.VERSION)
                                                        .setResult(Compare.CompareResult.EQUAL))
                                        .addSuccess(put("k3"))
                                        .addSuccess(put("k1"))
                                        .addSuccess(put("k2"))
                                        .build()));
        fixture.apply(
                batch ->
                        batch.deleteRange(
                                DeleteRangeRequest.newBuilder()
                                        .setKey(bytes("k"))
                                        .setRangeEnd(bytes("l"))
                                        .build()));
        List<WatchResponse> responses = client.drain();
        assertThat(responses).hasSize(3);
        assertThat(keys(responses.get(1))).containsExactly("k3", "k1", "k2");
        assertThat(keys(responses.get(2))).containsExactly("k1", "k2", "k3");
        fixture.assertAllComplete();
    }

    @Test
    void createEventsHaveCreateRevisionEqualToModRevision() {
        WatchClient client = fixture.client();
        client.create(watch("k").build());
        fixture.put("k", "1");
        fixture.put("k", "2");
        fixture.delete("k");
        fixture.put("k", "3");
        fixture.settle();
        List<Event> events = events(client, 0);
        assertThat(events.get(0).getKv().getCreateRevision()).isEqualTo(2);
        assertThat(events.get(1).getKv().getCreateRevision()).isEqualTo(2);
        assertThat(events.get(3).getKv().getCreateRevision())
                .isEqualTo(events.get(3).getKv().getModRevision());
        fixture.assertAllComplete();
    }

    @Test
    void closingAStreamDropsItsWatchersAndQueue() {
        WatchClient client = fixture.client();
        client.create(watch("a").build());
        client.create(watch("b").setStartRevision(1).build());
        client.stream.close();
        client.stream.close();
        assertThat(client.stream.queuedResponseCount()).isZero();
        assertThat(fixture.watchable.counts()).isEqualTo(new WatchCounts(0, 0, 0, 0, 0));
        client.create(watch("c").build());
        fixture.put("a", "1");
        fixture.sync();
        assertThat(client.drain()).isEmpty();
    }

    @Test
    void refusedCreateFromTheApiKeepsItsPlaceInTheStream() {
        WatchClient client = fixture.client();
        client.create(watch("a").build());
        client.recording.sent(WatchSpec.of(watch("secret").build()));
        client.stream.refuse("etcdserver: permission denied");
        List<WatchResponse> responses = client.drain();
        assertThat(responses.get(1).getCancelReason()).isEqualTo("etcdserver: permission denied");
        assertThat(responses.get(1).getWatchId()).isEqualTo(-1);
        assertThat(client.watches().get(1).isCanceled()).isTrue();
        fixture.assertAllComplete();
    }

    @Test
    void afterASnapshotInstallSyncedWatchersCatchUpFromTheStoresHistory() {
        WatchClient client = fixture.client();
        client.create(watch("a").build());
        client.drain();
        fixture.put("a", "1");
        assertThat(keys(client.drain().get(0))).containsExactly("a");
        // What a leader's snapshot brings reaches the store without passing through notify.
        fixture.commitUnseen(batch -> batch.put(putRequest("a", "2")));
        fixture.commitUnseen(batch -> batch.put(putRequest("b", "2")));
        fixture.commitUnseen(batch -> batch.put(putRequest("a", "3")));
        assertThat(client.drain()).isEmpty();

        fixture.watchable.restore(fixture.revision());
        assertThat(fixture.watchable.counts().synced()).isZero();
        fixture.sync();
        List<WatchResponse> caughtUp = client.drain();
        assertThat(caughtUp).flatMap(WatchResponse::getEventsList)
                .map(event -> event.getKv().getValue()).containsExactly(bytes("2"), bytes("3"));
        assertThat(fixture.watchable.counts().synced()).isEqualTo(1);

        fixture.put("a", "4");
        assertThat(keys(client.drain().get(0))).containsExactly("a");
        fixture.assertAllComplete();
    }
}
