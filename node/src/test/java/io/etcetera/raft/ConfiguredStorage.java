package io.etcetera.raft;

import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Snapshot;
import java.util.List;

/**
 * A {@link MemoryStorage} whose initial configuration is given directly rather than by a snapshot,
 * so tests can start nodes with an empty log at index 0 (as the Raft paper numbers it) that
 * already know their peers. Tests may subclass it to change how it answers.
 */
class ConfiguredStorage implements Storage {

    final MemoryStorage memory;
    private final ConfState confState;

    ConfiguredStorage(ConfState confState) {
        this.memory = new MemoryStorage();
        this.confState = confState;
    }

    /** A view of the same storage, for tests that override part of its behaviour. */
    ConfiguredStorage(ConfiguredStorage shared) {
        this.memory = shared.memory;
        this.confState = shared.confState;
    }

    static ConfiguredStorage withVoters(long... voters) {
        ConfState.Builder state = ConfState.newBuilder();
        for (long voter : voters) {
            state.addVoters(voter);
        }
        return new ConfiguredStorage(state.build());
    }

    /** Prepends a log: entries at index 1, 2, ... with the given terms. */
    ConfiguredStorage withLog(long... terms) {
        for (int i = 0; i < terms.length; i++) {
            memory.append(List.of(Entry.newBuilder().setIndex(i + 1).setTerm(terms[i]).build()));
        }
        return this;
    }

    ConfiguredStorage withHardState(long term, long vote, long commit) {
        memory.setHardState(HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit)
                .build());
        return this;
    }

    @Override
    public InitialState initialState() {
        InitialState stored = memory.initialState();
        boolean snapshotted = memory.snapshot().getMetadata().getIndex() > 0;
        return new InitialState(stored.hardState(), snapshotted ? stored.confState() : confState);
    }

    @Override
    public List<Entry> entries(long lo, long hi, long bytesMax) {
        return memory.entries(lo, hi, bytesMax);
    }

    @Override
    public long term(long index) {
        return memory.term(index);
    }

    @Override
    public long firstIndex() {
        return memory.firstIndex();
    }

    @Override
    public long lastIndex() {
        return memory.lastIndex();
    }

    @Override
    public Snapshot snapshot() {
        return memory.snapshot();
    }
}
