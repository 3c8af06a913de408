package io.etcetera.watchcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.mvcc.watch.WatchFields;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The checker passes a correct recording and finds each guarantee broken in a deliberately broken
 * one: a checker that cannot fail proves nothing.
 */
class WatchCheckerTest {

    /** Revisions 2..8 over keys a, b, c: creations, updates, a two-key txn, deletes. */
    private final List<Event> committed = new ArrayList<>();

    private final Map<String, KeyValue> live = new HashMap<>();
    private long revision = 1;

    WatchCheckerTest() {
        put("a", "1");
        put("b", "1");
        put("a", "2");
        revision++;
        putAt("a", "3");
        putAt("c", "1");
        delete("b");
        put("b", "2");
        delete("a");
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFrom(text, StandardCharsets.UTF_8);
    }

    private void put(String key, String value) {
        revision++;
        putAt(key, value);
    }

    /** A put at the current revision (several make one txn). */
    private void putAt(String key, String value) {
        KeyValue before = live.get(key);
        KeyValue kv =
                KeyValue.newBuilder()
                        .setKey(bytes(key))
                        .setValue(bytes(value))
                        .setCreateRevision(before == null ? revision : before.getCreateRevision())
                        .setModRevision(revision)
                        .setVersion(before == null ? 1 : before.getVersion() + 1)
                        .build();
        live.put(key, kv);
        Event.Builder event = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
        if (before != null) {
            event.setPrevKv(before);
        }
        committed.add(event.build());
    }

    private void delete(String key) {
        revision++;
        KeyValue before = live.remove(key);
        committed.add(
                Event.newBuilder()
                        .setType(Event.EventType.DELETE)
                        .setKv(KeyValue.newBuilder().setKey(bytes(key)).setModRevision(revision))
                        .setPrevKv(before)
                        .build());
    }

    private History history() {
        return History.of(committed);
    }

    private static final WatchSpec ALL =
            new WatchSpec(bytes("a"), bytes("d"), 2, false, false, true);

    private static WatchResponse header(long revision) {
        return WatchResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision))
                .build();
    }

    private static WatchResponse created(long revision) {
        return header(revision).toBuilder().setCreated(true).build();
    }

    private static WatchResponse events(List<Event> events) {
        long last = events.get(events.size() - 1).getKv().getModRevision();
        return header(last).toBuilder().addAllEvents(events).build();
    }

    /** A correct recording for {@code spec}: created, then one response per revision. */
    private List<WatchResponse> correct(WatchSpec spec) {
        List<WatchResponse> responses = new ArrayList<>();
        responses.add(created(1));
        List<Event> expected = history().expectedEvents(spec, spec.startRevision());
        int from = 0;
        for (int i = 1; i <= expected.size(); i++) {
            if (i == expected.size()
                    || revisionOf(expected.get(i)) != revisionOf(expected.get(from))) {
                responses.add(events(expected.subList(from, i)));
                from = i;
            }
        }
        return responses;
    }

    private static long revisionOf(Event event) {
        return event.getKv().getModRevision();
    }

    /** What the checker finds in {@code spec}'s correct recording after {@code breaker} ran. */
    private List<Guarantee> broken(WatchSpec spec, Consumer<List<WatchResponse>> breaker) {
        List<WatchResponse> responses = new ArrayList<>(correct(spec));
        breaker.accept(responses);
        return new WatchChecker(history())
                .checkComplete(new ObservedWatch(spec, responses)).stream()
                        .map(Violation::guarantee)
                        .distinct()
                        .toList();
    }

    /** A breaker that changes the first event of response {@code index}. */
    private static Consumer<List<WatchResponse>> changeEvent(
            int index, UnaryOperator<Event> change) {
        return responses -> {
            WatchResponse response = responses.get(index);
            Event changed = change.apply(response.getEvents(0));
            responses.set(index, response.toBuilder().setEvents(0, changed).build());
        };
    }

    private static Event changeKv(Event event, UnaryOperator<KeyValue.Builder> change) {
        return event.toBuilder().setKv(change.apply(event.getKv().toBuilder())).build();
    }

    /** A breaker that cuts the two-event revision 5 (response 4) into two responses. */
    private static Consumer<List<WatchResponse>> splitTxn(boolean firstIsFragment) {
        return responses -> {
            WatchResponse txn = responses.get(4);
            WatchResponse first = withEvents(txn, txn.getEventsList().subList(0, 1));
            responses.set(4, firstIsFragment ? fragment(first) : first);
            responses.add(5, withEvents(txn, txn.getEventsList().subList(1, 2)));
        };
    }

    private static WatchResponse withEvents(WatchResponse response, List<Event> events) {
        return response.toBuilder().clearEvents().addAllEvents(events).build();
    }

    private static WatchResponse fragment(WatchResponse response) {
        return response.toBuilder()
                .setUnknownFields(
                        UnknownFieldSet.newBuilder()
                                .addField(
                                        WatchFields.RESPONSE_FRAGMENT_FIELD,
                                        UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                                .build())
                .build();
    }

    private static WatchSpec spec(String key, String end, long start, boolean noDelete) {
        return new WatchSpec(bytes(key), bytes(end), start, false, noDelete, true);
    }

    @Test
    void aCorrectRecordingPasses() {
        assertThat(broken(ALL, responses -> {})).isEmpty();
        WatchSpec puts = new WatchSpec(bytes("b"), ByteString.EMPTY, 3, false, true, false);
        assertThat(broken(puts, responses -> {})).isEmpty();
        WatchSpec fromNow = new WatchSpec(bytes("a"), bytes("\0"), 0, true, false, false);
        assertThat(broken(fromNow, responses -> {})).isEmpty();
    }

    @Test
    void aMissingEventBreaksReliable() {
        assertThat(broken(ALL, responses -> responses.remove(3)))
                .containsExactly(Guarantee.RELIABLE);
    }

    @Test
    void aMissingTailIsFoundOnlyWhenTheWatchMustBeComplete() {
        List<WatchResponse> responses = new ArrayList<>(correct(ALL));
        responses.remove(responses.size() - 1);
        ObservedWatch watch = new ObservedWatch(ALL, responses);
        WatchChecker checker = new WatchChecker(history());
        assertThat(checker.check(watch)).isEmpty();
        assertThat(checker.checkComplete(watch))
                .extracting(Violation::guarantee)
                .containsExactly(Guarantee.RELIABLE);
    }

    @Test
    void skippedFirstEventsBreakResumable() {
        assertThat(broken(ALL, responses -> responses.remove(1)))
                .containsExactly(Guarantee.RESUMABLE);
    }

    @Test
    void anEventBeforeTheStartRevisionBreaksResumable() {
        Event early = history().expectedEvents(ALL, 2).get(0);
        assertThat(broken(spec("a", "d", 4, false), r -> r.add(1, events(List.of(early)))))
                .containsExactly(Guarantee.RESUMABLE);
    }

    @Test
    void aRepeatedEventBreaksUnique() {
        assertThat(broken(ALL, responses -> responses.add(3, responses.get(2))))
                .contains(Guarantee.UNIQUE);
    }

    @Test
    void swappedResponsesBreakOrdered() {
        assertThat(broken(ALL, responses -> Collections.swap(responses, 2, 3)))
                .contains(Guarantee.ORDERED);
    }

    @Test
    void aRevisionSplitAcrossResponsesBreaksAtomic() {
        assertThat(correct(ALL).get(4).getEventsCount()).isEqualTo(2);
        assertThat(broken(ALL, splitTxn(false))).containsExactly(Guarantee.ATOMIC);
    }

    @Test
    void aRevisionSplitIntoFragmentsIsJoinedAndPasses() {
        assertThat(broken(ALL, splitTxn(true))).isEmpty();
        int last = correct(ALL).size() - 1;
        assertThat(broken(ALL, r -> r.set(last, fragment(r.get(last))))).contains(Guarantee.ATOMIC);
    }

    @Test
    void progressBeforeEventsItCoversBreaksBookmarkable() {
        assertThat(broken(ALL, responses -> responses.add(2, header(5))))
                .contains(Guarantee.BOOKMARKABLE);
        int last = correct(ALL).size() - 1;
        assertThat(broken(ALL, r -> r.addAll(List.of(header(8), r.get(last)))))
                .contains(Guarantee.BOOKMARKABLE, Guarantee.UNIQUE);
        assertThat(broken(ALL, responses -> responses.add(3, header(3)))).isEmpty();
    }

    @Test
    void aWrongOrMissingOrUnaskedPrevKvBreaksPrevKv() {
        UnaryOperator<Event> forgePrev =
                e ->
                        e.toBuilder()
                                .setPrevKv(e.getPrevKv().toBuilder().setValue(bytes("x")))
                                .build();
        assertThat(broken(ALL, changeEvent(3, forgePrev))).containsExactly(Guarantee.PREV_KV);
        assertThat(broken(ALL, changeEvent(3, e -> e.toBuilder().clearPrevKv().build())))
                .containsExactly(Guarantee.PREV_KV);
        WatchSpec noPrev = new WatchSpec(bytes("a"), bytes("d"), 2, false, false, false);
        Event withPrev = history().expectedEvents(ALL, 2).get(2);
        assertThat(broken(noPrev, responses -> responses.set(3, events(List.of(withPrev)))))
                .containsExactly(Guarantee.PREV_KV);
    }

    @Test
    void aCreateEventWithAnotherCreateRevisionBreaksCreateEvent() {
        assertThat(broken(ALL, changeEvent(1, e -> changeKv(e, kv -> kv.setCreateRevision(1)))))
                .contains(Guarantee.CREATE_EVENT);
        assertThat(broken(ALL, changeEvent(3, e -> changeKv(e, kv -> kv.setVersion(1)))))
                .contains(Guarantee.CREATE_EVENT);
    }

    @Test
    void foreignFilteredOrAlteredEventsBreakMatching() {
        Event ofB = history().expectedEvents(ALL, 2).get(1);
        assertThat(broken(spec("a", "", 2, false), r -> r.add(2, events(List.of(ofB)))))
                .containsExactly(Guarantee.MATCHING);
        Event deletion = history().expectedEvents(ALL, 2).get(7);
        assertThat(broken(spec("a", "d", 2, true), r -> r.add(events(List.of(deletion)))))
                .containsExactly(Guarantee.MATCHING);
        assertThat(broken(ALL, changeEvent(3, e -> changeKv(e, kv -> kv.setValue(bytes("f"))))))
                .containsExactly(Guarantee.MATCHING);
    }

    @Test
    void protocolBreachesAreFound() {
        WatchResponse compacted3 =
                header(9).toBuilder().setCanceled(true).setCompactRevision(3).build();
        assertThat(broken(ALL, responses -> responses.add(2, compacted3)))
                .containsExactly(Guarantee.PROTOCOL);
        WatchSpec fromNow = new WatchSpec(bytes("a"), bytes("d"), 0, false, false, false);
        assertThat(broken(fromNow, responses -> responses.remove(0)))
                .containsExactly(Guarantee.PROTOCOL);
        int last = correct(ALL).size() - 1;
        ResponseHeader stale = ResponseHeader.newBuilder().setRevision(2).build();
        assertThat(broken(ALL, r -> r.set(last, r.get(last).toBuilder().setHeader(stale).build())))
                .containsExactly(Guarantee.PROTOCOL);
        WatchResponse compacted7 =
                header(9).toBuilder().setCanceled(true).setCompactRevision(7).build();
        Consumer<List<WatchResponse>> compactedLater =
                responses -> {
                    responses.subList(2, responses.size()).clear();
                    responses.add(compacted7);
                };
        assertThat(broken(ALL, compactedLater)).isEmpty();
    }

    @Test
    void aStreamRecordingSplitsResponsesByWatcher() {
        StreamRecording recording = new StreamRecording();
        recording.sent(ALL);
        recording.sent(ALL);
        recording.sent(ALL);
        recording.received(created(1).toBuilder().setWatchId(0).build());
        recording.received(created(1).toBuilder().setWatchId(-1).setCanceled(true).build());
        recording.received(created(1).toBuilder().setWatchId(1).build());
        recording.received(header(1).toBuilder().setWatchId(-1).build());
        recording.received(header(1).toBuilder().setWatchId(1).setCanceled(true).build());
        recording.received(header(1).toBuilder().setWatchId(1).build());
        assertThat(recording.watches())
                .extracting(w -> w.responses().size())
                .containsExactly(2, 1, 3);
        assertThat(recording.watchId(1)).isEqualTo(-1);
        assertThat(recording.strays()).hasSize(1);
    }

    @Test
    void aHistoryThatGoesBackIsRejected() {
        List<Event> backwards = new ArrayList<>(committed);
        backwards.add(committed.get(0));
        assertThatThrownBy(() -> History.of(backwards))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
