package io.etcetera.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnstableLogTest {

    static List<Entry> entries(long firstIndex, long... terms) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            entries.add(Entry.newBuilder().setIndex(firstIndex + i).setTerm(terms[i]).build());
        }
        return entries;
    }

    static Snapshot snapshot(long index, long term) {
        return Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(index)
                .setTerm(term)).build();
    }

    @Test
    void knowsTermsOfItsEntriesAndOfItsSnapshot() {
        UnstableLog log = new UnstableLog(6);
        assertThat(log.maybeLastIndex()).isZero();
        log.truncateAndAppend(entries(6, 1, 2));
        assertThat(log.maybeLastIndex()).isEqualTo(7);
        assertThat(log.maybeTerm(7)).isEqualTo(2);
        assertThat(log.maybeTerm(5)).isEqualTo(UnstableLog.NO_TERM);
        log.restore(snapshot(9, 3));
        assertThat(log.maybeFirstIndex()).isEqualTo(10);
        assertThat(log.maybeLastIndex()).isEqualTo(9);
        assertThat(log.maybeTerm(9)).isEqualTo(3);
        assertThat(log.maybeTerm(7)).isEqualTo(UnstableLog.NO_TERM);
    }

    @Test
    void appendOverwritesFromTheFirstNewIndex() {
        UnstableLog log = new UnstableLog(5);
        log.truncateAndAppend(entries(5, 1, 1, 1));
        log.truncateAndAppend(entries(8, 1));
        assertThat(log.slice(5, 9)).extracting(Entry::getTerm).containsExactly(1L, 1L, 1L, 1L);
        log.truncateAndAppend(entries(6, 2));
        assertThat(log.slice(5, 7)).extracting(Entry::getTerm).containsExactly(1L, 2L);
        assertThat(log.maybeLastIndex()).isEqualTo(6);
        log.truncateAndAppend(entries(4, 3, 3));
        assertThat(log.offset()).as("replaced from below the offset").isEqualTo(4);
        assertThatThrownBy(() -> log.truncateAndAppend(entries(9, 3)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void handsOutEachEntryOnceAndForgetsWhatIsStable() {
        UnstableLog log = new UnstableLog(5);
        log.truncateAndAppend(entries(5, 1, 1));
        assertThat(log.nextEntries()).hasSize(2);
        log.acceptInProgress();
        assertThat(log.hasNextEntries()).isFalse();
        log.truncateAndAppend(entries(7, 1));
        assertThat(log.nextEntries()).extracting(Entry::getIndex).containsExactly(7L);
        log.truncateAndAppend(entries(6, 2));
        assertThat(log.nextEntries()).as("an overwrite is handed out again")
                .extracting(Entry::getIndex).containsExactly(6L);
        log.stableTo(6, 1);
        assertThat(log.offset()).as("term mismatch: entry 6 was overwritten").isEqualTo(5);
        log.stableTo(5, 1);
        assertThat(log.offset()).isEqualTo(6);
        assertThat(log.nextEntries()).extracting(Entry::getIndex).containsExactly(6L);
    }

    @Test
    void snapshotIsHandedOutOnceAndDroppedWhenStable() {
        UnstableLog log = new UnstableLog(1);
        log.restore(snapshot(4, 2));
        assertThat(log.nextSnapshot()).isNotNull();
        log.acceptInProgress();
        assertThat(log.nextSnapshot()).isNull();
        assertThat(log.snapshot()).isNotNull();
        log.stableSnapTo(3);
        assertThat(log.snapshot()).isNotNull();
        log.stableSnapTo(4);
        assertThat(log.snapshot()).isNull();
    }
}
