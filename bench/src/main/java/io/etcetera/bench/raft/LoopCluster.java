package io.etcetera.bench.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcetera.invariants.Invariants;
import io.etcetera.raft.MemoryStorage;
import io.etcetera.raft.Peer;
import io.etcetera.raft.RaftConfig;
import io.etcetera.raft.RaftRole;
import io.etcetera.raft.RawNode;
import io.etcetera.raft.Ready;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Raft cluster of {@link #MEMBERS} members in one thread's memory: each a {@link RawNode} over a
 * {@link MemoryStorage}, driven through its Ready/advance duties with nothing around it, so what a
 * round costs is the engine's own work. Messages cross as bytes (encoded and parsed, as the peer
 * transport does); "persisting" is appending to the memory storage; applying counts the proposals.
 * No clock ticks: after the election nothing but proposals moves the cluster.
 *
 * <p>Member 1 is made leader at construction. {@link #settle} runs every member until none has
 * anything to do; afterwards every member has applied everything, and storages are compacted every
 * {@link #COMPACT_EVERY_ENTRIES} applied entries, so a long run keeps bounded memory.
 * Confined to the thread that uses it.
 */
final class LoopCluster {

    static final int MEMBERS = 3;
    /** Passes of (handle every Ready, deliver every message) in one settle, at most. */
    static final int PASSES_MAX = 10_000;
    static final int COMPACT_EVERY_ENTRIES = 10_000;
    /** Appends in flight per follower: the server's setting (server.RaftStorage). */
    static final int INFLIGHT_COUNT_MAX = 512;

    private final RawNode[] nodes = new RawNode[MEMBERS];
    private final MemoryStorage[] storages = new MemoryStorage[MEMBERS];
    /** Per member, messages addressed to it, encoded. */
    private final List<ArrayDeque<byte[]>> inboxes = new ArrayList<>();
    private final long[] applied = new long[MEMBERS];
    /** Normal entries with data applied by the leader (member 1): committed proposals. */
    private long committedProposals;

    /** Bootstraps a cluster with the server's Raft settings, and elects member 1. */
    LoopCluster() {
        List<Peer> peers = new ArrayList<>();
        for (long id = 1; id <= MEMBERS; id++) {
            peers.add(new Peer(id, ByteString.EMPTY));
        }
        for (int i = 0; i < MEMBERS; i++) {
            storages[i] = new MemoryStorage();
            nodes[i] = new RawNode(RaftConfig.builder(i + 1, storages[i], new SplittableRandom(i))
                    .inflightCountMax(INFLIGHT_COUNT_MAX).checkQuorum(true).preVote(true)
                    .build());
            nodes[i].bootstrap(peers);
            inboxes.add(new ArrayDeque<>());
        }
        settle();
        nodes[0].campaign();
        settle();
        Invariants.check(nodes[0].status().softState().role() == RaftRole.LEADER,
                "member 1 campaigned in a quiet cluster but is %s",
                nodes[0].status().softState().role());
    }

    /** Proposes {@code data} at the leader. */
    void propose(ByteString data) {
        nodes[0].propose(data);
    }

    /** Committed proposals so far, as the leader applied them. */
    long committedProposals() {
        return committedProposals;
    }

    /** Member {@code i}'s (0-based) storage, for checks. */
    MemoryStorage storage(int i) {
        return storages[i];
    }

    long applied(int i) {
        return applied[i];
    }

    /**
     * Handles Readys and delivers messages until no member has anything left to do.
     *
     * @throws IllegalStateException if the cluster is still busy after {@link #PASSES_MAX} passes
     */
    void settle() {
        for (int pass = 0; pass < PASSES_MAX; pass++) {
            boolean busy = false;
            for (int i = 0; i < MEMBERS; i++) {
                while (nodes[i].hasReady()) {
                    handleReady(i);
                    busy = true;
                }
            }
            for (int i = 0; i < MEMBERS; i++) {
                ArrayDeque<byte[]> inbox = inboxes.get(i);
                busy |= !inbox.isEmpty();
                for (byte[] bytes = inbox.poll(); bytes != null; bytes = inbox.poll()) {
                    nodes[i].step(parse(bytes));
                }
            }
            if (!busy) {
                compactIfDue();
                return;
            }
        }
        throw new IllegalStateException("cluster still busy after " + PASSES_MAX + " passes");
    }

    /** One Ready of member {@code i}: persist, send, apply, advance. */
    private void handleReady(int i) {
        RawNode node = nodes[i];
        Ready ready = node.ready();
        MemoryStorage storage = storages[i];
        ready.snapshot().ifPresent(storage::applySnapshot);
        storage.append(ready.entries());
        ready.hardState().ifPresent(storage::setHardState);
        for (Message message : ready.messages()) {
            inboxes.get((int) message.getTo() - 1).add(message.toByteArray());
        }
        for (Entry entry : ready.committedEntries()) {
            apply(i, entry);
        }
        node.advance(ready);
    }

    /**
     * Compacts every member's storage up to what it applied, once that is
     * {@link #COMPACT_EVERY_ENTRIES} past its first index. Only when the cluster is quiet: every
     * member then holds and applied the same log, so no follower needs a compacted entry.
     */
    private void compactIfDue() {
        for (int i = 0; i < MEMBERS; i++) {
            if (applied[i] - storages[i].firstIndex() >= COMPACT_EVERY_ENTRIES) {
                storages[i].compact(applied[i]);
            }
        }
    }

    private void apply(int i, Entry entry) {
        Invariants.check(entry.getIndex() == applied[i] + 1,
                "member %d applies %d after %d", i + 1, entry.getIndex(), applied[i]);
        applied[i] = entry.getIndex();
        if (entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
            nodes[i].applyConfChange(parseConfChange(entry));
        } else if (i == 0 && !entry.getData().isEmpty()) {
            committedProposals++;
        }
    }

    private static Message parse(byte[] bytes) {
        try {
            return Message.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a message encoded here does not parse", e);
        }
    }

    private static ConfChange parseConfChange(Entry entry) {
        try {
            return ConfChange.parseFrom(entry.getData());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("conf change at " + entry.getIndex()
                    + " does not parse", e);
        }
    }
}
