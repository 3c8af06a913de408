package io.etcetera.watchcheck;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.mvcc.watch.WatchFields;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks what watchers received against the committed {@link History}: etcd's six guarantees
 * (ordered, unique, reliable, atomic, resumable, bookmarkable), prev_kv, create events, that each
 * event is the committed one and matches the watch, and the protocol around them. Fragments are
 * joined before checking, as a client joins them.
 *
 * <p>{@link #check} finds what is wrong in what arrived so far (a watcher may still be catching up:
 * what it got must be a gap-free prefix); {@link #checkComplete} also requires every expected event
 * up to the end of the history, for a watcher that was given time to catch up.
 *
 * <p>Stateless between calls; not thread-safe within one.
 */
public final class WatchChecker {

    private static final int VIOLATIONS_SHOWN_MAX = 20;

    private final History history;

    public WatchChecker(History history) {
        this.history = history;
    }

    public List<Violation> check(ObservedWatch watch) {
        Run run = new Run(watch);
        run.run();
        return run.violations;
    }

    public List<Violation> checkComplete(ObservedWatch watch) {
        Run run = new Run(watch);
        run.run();
        run.checkCompleted();
        return run.violations;
    }

    /** Throws an {@link AssertionError} listing the violations of any of {@code watches}. */
    public void assertValid(Collection<ObservedWatch> watches) {
        List<Violation> all = new ArrayList<>();
        watches.forEach(watch -> all.addAll(check(watch)));
        fail(all, watches.size());
    }

    /** As {@link #assertValid}, with {@link #checkComplete}. */
    public void assertComplete(Collection<ObservedWatch> watches) {
        List<Violation> all = new ArrayList<>();
        watches.forEach(watch -> all.addAll(checkComplete(watch)));
        fail(all, watches.size());
    }

    private static void fail(List<Violation> violations, int watchCount) {
        if (violations.isEmpty()) {
            return;
        }
        StringBuilder message =
                new StringBuilder(violations.size() + " violations in " + watchCount + " watches");
        violations.stream()
                .limit(VIOLATIONS_SHOWN_MAX)
                .forEach(violation -> message.append('\n').append(violation));
        throw new AssertionError(message);
    }

    /** Identifies a committed event: a key changes at most once per revision. */
    private record EventId(long revision, ByteString key) {}

    /** One watcher's responses walked in order. */
    private final class Run {
        final ObservedWatch watch;
        final WatchSpec spec;
        final List<Violation> violations = new ArrayList<>();
        List<History.Entry> expected;
        final Map<EventId, Integer> indexOf = new HashMap<>();
        final BitSet delivered = new BitSet();

        /** Expected events already reported as skipped, not to be reported again as missing. */
        final BitSet reported = new BitSet();

        final List<Event> fragments = new ArrayList<>();

        /** The index in {@link #expected} of the next event due. */
        int next;

        long start;
        long bookmark;
        long lastObserved;
        int deliveredCount;
        boolean created;
        boolean ended;

        Run(ObservedWatch watch) {
            this.watch = watch;
            this.spec = watch.spec();
            if (spec.startRevision() > 0) {
                expectFrom(spec.startRevision());
            }
        }

        void expectFrom(long from) {
            start = from;
            lastObserved = from - 1;
            expected = history.expected(spec, from);
            for (int i = 0; i < expected.size(); i++) {
                History.Entry entry = expected.get(i);
                indexOf.put(new EventId(entry.revision(), entry.key()), i);
            }
        }

        void run() {
            List<WatchResponse> responses = watch.responses();
            for (int i = 0; i < responses.size(); i++) {
                WatchResponse response = responses.get(i);
                if (ended) {
                    violate(Guarantee.PROTOCOL, i, "a response after the watcher ended");
                    return;
                }
                if (WatchFields.isFragment(response)) {
                    fragments.addAll(response.getEventsList());
                    continue;
                }
                List<Event> events = response.getEventsList();
                if (!fragments.isEmpty()) {
                    fragments.addAll(events);
                    events = List.copyOf(fragments);
                    fragments.clear();
                }
                handle(i, response, events);
            }
            if (!fragments.isEmpty()) {
                violate(Guarantee.ATOMIC, responses.size(), "the last fragment never came");
            }
        }

        void handle(int index, WatchResponse response, List<Event> events) {
            long headerRevision = response.getHeader().getRevision();
            if (response.getCreated()) {
                handleCreated(index, response);
            } else if (expected == null) {
                violate(Guarantee.PROTOCOL, index, "a response before the created response");
                ended = true;
            } else if (response.getCanceled()) {
                handleCanceled(index, response);
            } else if (events.isEmpty()) {
                handleProgress(index, headerRevision);
            } else {
                for (Event event : events) {
                    handleEvent(index, headerRevision, event);
                }
                checkWholeRevision(index, events.get(events.size() - 1));
            }
        }

        void handleCreated(int index, WatchResponse response) {
            if (created) {
                violate(Guarantee.PROTOCOL, index, "created twice");
            }
            created = true;
            if (response.getCanceled()) {
                ended = true;
                return;
            }
            if (spec.startRevision() == 0) {
                expectFrom(response.getHeader().getRevision() + 1);
            }
        }

        void handleCanceled(int index, WatchResponse response) {
            ended = true;
            long compactRevision = response.getCompactRevision();
            if (compactRevision != 0 && lastObserved + 1 >= compactRevision) {
                violate(
                        Guarantee.PROTOCOL,
                        index,
                        "canceled as compacted at "
                                + compactRevision
                                + " though it needed only revisions from "
                                + (lastObserved + 1));
            }
        }

        void handleProgress(int index, long revision) {
            if (next < expected.size() && expected.get(next).revision() <= revision) {
                violate(
                        Guarantee.BOOKMARKABLE,
                        index,
                        "progress at "
                                + revision
                                + " before the event at "
                                + expected.get(next).revision()
                                + " on "
                                + expected.get(next).key().toStringUtf8());
            }
            bookmark = Math.max(bookmark, revision);
            lastObserved = Math.max(lastObserved, revision);
        }

        void handleEvent(int index, long headerRevision, Event event) {
            long revision = event.getKv().getModRevision();
            String what = describe(event);
            if (headerRevision < revision) {
                violate(
                        Guarantee.PROTOCOL,
                        index,
                        what + " under header revision " + headerRevision);
            }
            if (!spec.contains(event.getKv().getKey()) || !spec.passes(event)) {
                violate(Guarantee.MATCHING, index, what + " is outside the watch or filtered");
                return;
            }
            if (revision < start) {
                violate(Guarantee.RESUMABLE, index, what + " is before the start " + start);
                return;
            }
            if (revision <= bookmark) {
                violate(Guarantee.BOOKMARKABLE, index, what + " after progress at " + bookmark);
            }
            Integer found = indexOf.get(new EventId(revision, event.getKv().getKey()));
            if (found == null) {
                violate(Guarantee.MATCHING, index, what + " was never committed");
                return;
            }
            int at = found;
            if (delivered.get(at)) {
                violate(Guarantee.UNIQUE, index, what + " arrived again");
                return;
            }
            if (at < next) {
                violate(Guarantee.ORDERED, index, what + " arrived after later events");
            } else if (at > next) {
                Guarantee broken = deliveredCount == 0 ? Guarantee.RESUMABLE : Guarantee.RELIABLE;
                violate(
                        broken,
                        index,
                        (at - next)
                                + " events skipped before "
                                + what
                                + ", from "
                                + describe(expected.get(next).event()));
                reported.set(next, at);
            }
            delivered.set(at);
            deliveredCount++;
            next = Math.max(next, at + 1);
            lastObserved = Math.max(lastObserved, revision);
            checkContent(index, event, expected.get(at));
        }

        void checkContent(int index, Event event, History.Entry entry) {
            String what = describe(event);
            KeyValue kv = event.getKv();
            if (event.getType() != entry.event().getType() || !kv.equals(entry.event().getKv())) {
                violate(
                        Guarantee.MATCHING,
                        index,
                        what + " differs from the committed " + entry.event().getKv());
            }
            KeyValue before = entry.before();
            if (!spec.prevKv() && event.hasPrevKv()) {
                violate(Guarantee.PREV_KV, index, what + " has a prev_kv nobody asked for");
            } else if (spec.prevKv() && before == null && event.hasPrevKv()) {
                violate(Guarantee.PREV_KV, index, what + " has a prev_kv for a new key");
            } else if (spec.prevKv() && before != null && !before.equals(event.getPrevKv())) {
                violate(
                        Guarantee.PREV_KV,
                        index,
                        what + " has prev_kv " + event.getPrevKv() + " instead of " + before);
            }
            if (event.getType() == Event.EventType.PUT) {
                boolean creates = kv.getCreateRevision() == kv.getModRevision();
                if (creates != (kv.getVersion() == 1) || creates != (before == null)) {
                    violate(
                            Guarantee.CREATE_EVENT,
                            index,
                            what
                                    + " has create revision "
                                    + kv.getCreateRevision()
                                    + " and version "
                                    + kv.getVersion()
                                    + (before == null ? " for a new key" : " for an existing key"));
                }
            }
        }

        /** The response ended with {@code last}: the rest of its revision must not follow. */
        void checkWholeRevision(int index, Event last) {
            long revision = last.getKv().getModRevision();
            for (int i = next; i < expected.size() && expected.get(i).revision() == revision; i++) {
                if (!delivered.get(i)) {
                    violate(
                            Guarantee.ATOMIC,
                            index,
                            "revision "
                                    + revision
                                    + " split: "
                                    + describe(expected.get(i).event())
                                    + " not in it");
                    return;
                }
            }
        }

        void checkCompleted() {
            if (ended || expected == null) {
                if (expected == null && !ended) {
                    violate(Guarantee.PROTOCOL, watch.responses().size(), "never created");
                }
                return;
            }
            BitSet accounted = (BitSet) delivered.clone();
            accounted.or(reported);
            int missing = expected.size() - accounted.cardinality();
            if (missing > 0) {
                History.Entry first = expected.get(accounted.nextClearBit(0));
                violate(
                        Guarantee.RELIABLE,
                        watch.responses().size(),
                        missing + " events never arrived, the first " + describe(first.event()));
            }
        }

        void violate(Guarantee guarantee, int index, String detail) {
            violations.add(new Violation(guarantee, spec.toString(), index, detail));
        }
    }

    private static String describe(Event event) {
        return event.getType()
                + " "
                + event.getKv().getKey().toStringUtf8()
                + "@"
                + event.getKv().getModRevision();
    }
}
