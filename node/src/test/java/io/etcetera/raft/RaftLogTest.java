package io.etcetera.raft;

import static io.etcetera.raft.UnstableLogTest.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.raft.pb.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RaftLogTest {

    /** A log over a storage holding entries 1..terms.length of the given terms. */
    private static RaftLog log(long... terms) {
        MemoryStorage storage = new MemoryStorage();
        storage.append(entries(1, terms));
        return new RaftLog(storage, Long.MAX_VALUE);
    }

    @Test
    void maybeAppendChecksThePreviousEntryTruncatesConflictsAndCommits() {
        RaftLog log = log(1, 2, 3);
        assertThat(log.maybeAppend(3, 2, 3, entries(4, 4))).as("previous term differs")
                .isEqualTo(-1);
        assertThat(log.maybeAppend(4, 3, 3, entries(5, 4))).as("previous index missing")
                .isEqualTo(-1);
        assertThat(log.maybeAppend(3, 3, 2, entries(4, 4))).isEqualTo(4);
        assertThat(log.committed()).isEqualTo(2);
        assertThat(log.maybeAppend(1, 1, 9, entries(2, 2, 3))).as("duplicate: nothing truncated")
                .isEqualTo(3);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.committed()).as("commit capped at the last new index").isEqualTo(3);
        assertThat(log.maybeAppend(3, 3, 3, entries(4, 5, 5))).isEqualTo(5);
        assertThat(log.term(4)).as("conflicting entry replaced").isEqualTo(5);
    }

    @Test
    void conflictWithACommittedEntryIsABug() {
        RaftLog log = log(1, 1, 1);
        log.commitTo(3);
        assertThatThrownBy(() -> log.maybeAppend(1, 1, 3, entries(2, 2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("conflicts");
        assertThatThrownBy(() -> log.commitTo(4)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void findConflictByTermSkipsIndexesWhoseTermIsTooHigh() {
        RaftLog log = log(1, 3, 3, 3, 5, 5, 5, 5, 5);
        assertThat(log.findConflictByTerm(9, 2)).isEqualTo(1);
        assertThat(log.findConflictByTerm(9, 4)).isEqualTo(4);
        assertThat(log.findConflictByTerm(9, 5)).isEqualTo(9);
        assertThat(log.findConflictByTerm(3, 0)).isZero();
    }

    @Test
    void upToDateComparesLastTermThenLength() {
        RaftLog log = log(1, 2, 2);
        assertThat(log.isUpToDate(3, 2)).isTrue();
        assertThat(log.isUpToDate(2, 2)).isFalse();
        assertThat(log.isUpToDate(1, 3)).isTrue();
        assertThat(log.isUpToDate(9, 1)).isFalse();
    }

    @Test
    void committedEntriesArePagedByTheApplyBudget() {
        MemoryStorage storage = new MemoryStorage();
        List<Entry> stored = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            stored.add(Entry.newBuilder().setIndex(i).setTerm(1)
                    .setData(com.google.protobuf.ByteString.copyFrom(new byte[100])).build());
        }
        storage.append(stored);
        long entryBytes = stored.get(0).getSerializedSize();
        RaftLog log = new RaftLog(storage, 3 * entryBytes);
        log.commitTo(10);
        List<Entry> first = log.nextCommittedEntries();
        assertThat(first).hasSize(3);
        log.acceptApplying(3, EntryBytes.encoded(first));
        assertThat(log.hasNextCommittedEntries()).as("budget spent").isFalse();
        log.appliedTo(3, EntryBytes.encoded(first));
        assertThat(log.nextCommittedEntries()).extracting(Entry::getIndex)
                .containsExactly(4L, 5L, 6L);
    }

    /**
     * Random appends (overwriting uncommitted tails), persisting, commits and compactions, against
     * a plain list of terms: term lookups, slices and the last index always agree.
     */
    @Test
    void agreesWithPlainListUnderRandomOperations() {
        for (long seed = 0; seed < 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            MemoryStorage storage = new MemoryStorage();
            RaftLog log = new RaftLog(storage, Long.MAX_VALUE);
            List<Long> oracle = new ArrayList<>();
            oracle.add(0L);
            long term = 1;
            for (int step = 0; step < 60; step++) {
                String context = "seed " + seed + " step " + step;
                switch (random.nextInt(4)) {
                    case 0, 1 -> {
                        long from = log.committed() + 1 + random.nextLong(
                                oracle.size() - log.committed());
                        term += random.nextInt(2);
                        long[] terms = new long[1 + random.nextInt(3)];
                        java.util.Arrays.fill(terms, term);
                        log.append(entries(from, terms));
                        while (oracle.size() > from) {
                            oracle.remove(oracle.size() - 1);
                        }
                        for (long t : terms) {
                            oracle.add(t);
                        }
                    }
                    case 2 -> {
                        List<Entry> unstable = log.nextUnstableEntries();
                        log.acceptUnstable();
                        storage.append(unstable);
                        log.stableTo(log.lastIndex(), log.lastTerm());
                        log.commitTo(log.committed() + random.nextLong(
                                storage.lastIndex() - log.committed() + 1));
                    }
                    default -> {
                        long applied = log.committed();
                        if (applied > storage.firstIndex() && applied <= storage.lastIndex()) {
                            long compactTo = storage.firstIndex() + random.nextLong(
                                    applied - storage.firstIndex() + 1);
                            storage.compact(compactTo);
                        }
                    }
                }
                assertThat(log.lastIndex()).as(context).isEqualTo(oracle.size() - 1);
                for (long index = log.firstIndex() - 1; index <= log.lastIndex(); index++) {
                    assertThat(log.term(index)).as(context + " term at " + index)
                            .isEqualTo(oracle.get((int) index));
                }
                assertThat(log.term(log.firstIndex() - 2)).isIn(RaftLog.NO_TERM, 0L);
                assertThat(log.term(log.lastIndex() + 1)).isEqualTo(RaftLog.NO_TERM);
                long lo = log.firstIndex();
                if (lo <= log.lastIndex()) {
                    List<Long> terms = log.slice(lo, log.lastIndex() + 1, Long.MAX_VALUE).stream()
                            .map(Entry::getTerm).toList();
                    assertThat(terms).as(context)
                            .isEqualTo(oracle.subList((int) lo, oracle.size()));
                }
            }
        }
    }
}
