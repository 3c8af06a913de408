package io.etcetera.mvcc.watch;

import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.invariants.Invariants;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Where every live watcher is, as etcd's watchable store keeps it: the synced group (indexed by
 * range, for notify), the unsynced set (in catch-up order), the victims of each stream whose queue
 * was full, plus the notified revision and the recent events that let an unsynced watcher join the
 * synced group. Each method is one move of {@link Watcher}'s state diagram.
 *
 * <p>Invariants: a live watcher is in exactly the set its state names, and in its stream's watcher
 * map; {@code watcherCount} and {@code victimCount} count them.
 *
 * <p>Not thread-safe: guarded by the watchable store's lock, which every caller holds.
 */
final class WatcherSets {

    final WatcherGroup synced = new WatcherGroup();
    final LinkedHashSet<Watcher> unsynced = new LinkedHashSet<>();
    RecentEvents recent;

    /** Streams with a progress_notify watcher: the ones progress ticks visit. */
    final LinkedHashSet<WatchStream> progressStreams = new LinkedHashSet<>();

    private final LinkedHashSet<WatchStream> streamsWithVictims = new LinkedHashSet<>();
    private final LongFunction<ResponseHeader> headers;

    /** The revision of the last notify: every synced watcher has been sent every event up to it. */
    long notifiedRevision;

    private int watcherCount;
    private int victimCount;

    WatcherSets(int recentEventsMax, long revision, LongFunction<ResponseHeader> headers) {
        this.recent = new RecentEvents(recentEventsMax, revision);
        this.notifiedRevision = revision;
        this.headers = headers;
    }

    /** The response header at {@code revision}. */
    ResponseHeader header(long revision) {
        return headers.apply(revision);
    }

    /** The response header at the notified revision. */
    ResponseHeader header() {
        return headers.apply(notifiedRevision);
    }

    WatchCounts counts(int streamCount) {
        return new WatchCounts(
                streamCount, watcherCount, synced.size(), unsynced.size(), victimCount);
    }

    /**
     * Places a new watcher (already in its stream's map): synced if it starts from now or from a
     * revision not yet notified, unsynced otherwise. Returns whether it is unsynced.
     */
    boolean add(Watcher watcher) {
        watcherCount++;
        if (watcher.progressNotify && watcher.stream.progressWatcherCount++ == 0) {
            progressStreams.add(watcher.stream);
        }
        long start = watcher.startRevision;
        if (start != 0 && start <= notifiedRevision) {
            watcher.minRevision = start;
            watcher.state = Watcher.State.UNSYNCED;
            unsynced.add(watcher);
            return true;
        }
        watcher.minRevision = Math.max(start, notifiedRevision + 1);
        watcher.state = Watcher.State.SYNCED;
        synced.add(watcher);
        return false;
    }

    /**
     * The store's content was replaced up to {@code revision} (a leader's snapshot): every synced
     * watcher becomes unsynced, to catch up from the new history, and the recent events, which
     * describe the old content, are dropped.
     */
    void restore(long revision) {
        List<Watcher> wereSynced = new ArrayList<>(synced.size());
        synced.collectAll(wereSynced);
        for (Watcher watcher : wereSynced) {
            synced.remove(watcher);
            watcher.state = Watcher.State.UNSYNCED;
            unsynced.add(watcher);
        }
        recent = new RecentEvents(recent.eventsMax(), revision);
        notifiedRevision = revision;
    }

    /** Parks {@code watcher}, already out of its set, until its stream has room. */
    void makeVictim(Watcher watcher) {
        watcher.state = Watcher.State.VICTIM;
        watcher.stream.victims.add(watcher);
        watcher.stream.victimsWaiting = true;
        streamsWithVictims.add(watcher.stream);
        victimCount++;
    }

    /** Victims whose stream has room again go back to unsynced. */
    void retryVictims() {
        Iterator<WatchStream> streams = streamsWithVictims.iterator();
        while (streams.hasNext()) {
            WatchStream stream = streams.next();
            if (!stream.hasRoom()) {
                continue;
            }
            for (Watcher victim : stream.victims) {
                victim.state = Watcher.State.UNSYNCED;
                unsynced.add(victim);
            }
            victimCount -= stream.victims.size();
            stream.victims.clear();
            stream.victimsWaiting = false;
            streams.remove();
        }
    }

    /** Whether the recent events hold everything {@code watcher} lacks, so that it may join. */
    boolean mayJoinSynced(Watcher watcher) {
        return watcher.minRevision >= recent.startRevision()
                && watcher.minRevision <= notifiedRevision + 1;
    }

    /**
     * Sends an unsynced watcher, already out of the unsynced set, the recent events it lacks and
     * makes it synced, or a victim if its stream is full.
     */
    void joinSynced(Watcher watcher) {
        Invariants.check(mayJoinSynced(watcher), "%s cannot join from recent events", watcher);
        recent.collect(watcher);
        if (!watcher.pending.isEmpty()) {
            WatchResponse response = watcher.takePendingResponse(header(), null);
            if (!watcher.stream.offerEvents(watcher, response)) {
                makeVictim(watcher);
                return;
            }
        }
        watcher.minRevision = notifiedRevision + 1;
        watcher.state = Watcher.State.SYNCED;
        synced.add(watcher);
    }

    /** Checks the class invariants; O(watchers), for {@code Verify} runs. */
    void checkInvariants() {
        int victims = 0;
        for (WatchStream stream : streamsWithVictims) {
            Invariants.check(!stream.victims.isEmpty(), "a stream listed with no victims");
            for (Watcher victim : stream.victims) {
                Invariants.check(victim.state == Watcher.State.VICTIM, "%s parked", victim);
                victims++;
            }
        }
        Invariants.check(victims == victimCount, "%d victims, counted %d", victims, victimCount);
        for (Watcher watcher : unsynced) {
            Invariants.check(
                    watcher.state == Watcher.State.UNSYNCED
                            && watcher.stream.watchers.get(watcher.id) == watcher,
                    "%s in the unsynced set",
                    watcher);
        }
        Invariants.check(
                synced.size() + unsynced.size() + victimCount == watcherCount,
                "%d watchers, counted %d",
                synced.size() + unsynced.size() + victimCount,
                watcherCount);
    }

    /** Takes {@code watcher} out of its set and its stream, for good. */
    void remove(Watcher watcher) {
        WatchStream stream = watcher.stream;
        switch (watcher.state) {
            case SYNCED -> synced.remove(watcher);
            case UNSYNCED -> unsynced.remove(watcher);
            case VICTIM -> {
                stream.victims.remove(watcher);
                victimCount--;
                if (stream.victims.isEmpty()) {
                    stream.victimsWaiting = false;
                    streamsWithVictims.remove(stream);
                }
            }
            case CANCELED -> throw new IllegalStateException(watcher + " removed twice");
        }
        watcher.state = Watcher.State.CANCELED;
        stream.watchers.remove(watcher.id);
        watcherCount--;
        if (watcher.progressNotify && --stream.progressWatcherCount == 0) {
            progressStreams.remove(stream);
        }
    }
}
