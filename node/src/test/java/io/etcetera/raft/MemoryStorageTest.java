package io.etcetera.raft;

import static io.etcetera.raft.UnstableLogTest.entries;
import static io.etcetera.raft.UnstableLogTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import org.junit.jupiter.api.Test;

class MemoryStorageTest {

    /** Entries 3..5 of term 3, 4, 5, compacted up to 3 (the dummy entry). */
    private static MemoryStorage storage() {
        MemoryStorage storage = new MemoryStorage();
        storage.append(entries(1, 1, 2, 3, 4, 5));
        storage.compact(3);
        return storage;
    }

    @Test
    void termIsKnownFromTheCompactionPointToTheEnd() {
        MemoryStorage storage = storage();
        assertThat(storage.firstIndex()).isEqualTo(4);
        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(storage.term(3)).isEqualTo(3);
        assertThat(storage.term(5)).isEqualTo(5);
        assertThatThrownBy(() -> storage.term(2)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.term(6)).isInstanceOf(LogUnavailableException.class);
    }

    @Test
    void entriesRespectBoundsAndTheByteLimitButReturnAtLeastOne() {
        MemoryStorage storage = storage();
        assertThat(storage.entries(4, 6, Long.MAX_VALUE)).extracting(Entry::getIndex)
                .containsExactly(4L, 5L);
        assertThat(storage.entries(4, 6, 0)).hasSize(1);
        long one = storage.entries(4, 5, Long.MAX_VALUE).get(0).getSerializedSize();
        assertThat(storage.entries(4, 6, 2 * one - 1)).hasSize(1);
        assertThat(storage.entries(4, 6, 2 * one)).hasSize(2);
        assertThatThrownBy(() -> storage.entries(3, 5, Long.MAX_VALUE))
                .isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.entries(4, 7, Long.MAX_VALUE))
                .isInstanceOf(LogUnavailableException.class);
    }

    @Test
    void appendOverwritesConflictsSkipsCompactedAndRefusesGaps() {
        MemoryStorage storage = storage();
        storage.append(entries(2, 9, 9, 9));
        assertThat(storage.term(4)).isEqualTo(9);
        assertThat(storage.lastIndex()).isEqualTo(4);
        assertThat(storage.term(3)).as("compacted part untouched").isEqualTo(3);
        assertThatThrownBy(() -> storage.append(entries(6, 1)))
                .isInstanceOf(LogUnavailableException.class);
    }

    @Test
    void compactRefusesWhatIsGoneAndWhatDoesNotExist() {
        MemoryStorage storage = storage();
        assertThatThrownBy(() -> storage.compact(3)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.compact(6)).isInstanceOf(LogUnavailableException.class);
        storage.compact(5);
        assertThat(storage.firstIndex()).isEqualTo(6);
        assertThat(storage.lastIndex()).isEqualTo(5);
    }

    @Test
    void snapshotsMoveForwardOnly() {
        MemoryStorage storage = storage();
        ConfState conf = ConfState.newBuilder().addVoters(1).build();
        storage.createSnapshot(4, conf, ByteString.copyFromUtf8("state"));
        assertThat(storage.snapshot().getMetadata().getTerm()).isEqualTo(4);
        assertThat(storage.initialState().confState()).isEqualTo(conf);
        assertThatThrownBy(() -> storage.createSnapshot(4, conf, ByteString.EMPTY))
                .isInstanceOf(SnapshotOutOfDateException.class);
        assertThatThrownBy(() -> storage.applySnapshot(snapshot(4, 4)))
                .isInstanceOf(SnapshotOutOfDateException.class);
        storage.applySnapshot(snapshot(10, 6));
        assertThat(storage.firstIndex()).isEqualTo(11);
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.term(10)).isEqualTo(6);
    }
}
