package io.etcetera.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcetera.raft.confchange.InvalidConfChangeException;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A deterministic in-memory cluster for behaviour tests: every node's Readys are handled in full
 * (persist, apply, send, advance) and messages are delivered in order until nothing moves, except
 * those a filter drops. Nodes are created over {@link ConfiguredStorage}.
 */
final class TestCluster {

    private static final int DELIVERY_ROUNDS_MAX = 100_000;

    /** One node, its storage, and what it applied. */
    static final class Member {
        final long id;
        RawNode node;
        final ConfiguredStorage storage;
        /** How the node was configured, to restart it alike. */
        UnaryOperator<RaftConfig.Builder> tweak = UnaryOperator.identity();
        final List<Entry> applied = new ArrayList<>();
        /** The last index applied, by entry or by snapshot. */
        long appliedIndex;
        final List<ReadState> readStates = new ArrayList<>();

        Member(long id, RawNode node, ConfiguredStorage storage) {
            this.id = id;
            this.node = node;
            this.storage = storage;
        }

        Status status() {
            return node.status();
        }

        long term() {
            return status().hardState().getTerm();
        }

        RaftRole role() {
            return status().softState().role();
        }

        long commit() {
            return status().hardState().getCommit();
        }

        /** The node's whole log (from its storage), as "term/index" strings. */
        List<String> log() {
            MemoryStorage memory = storage.memory;
            List<String> log = new ArrayList<>();
            if (memory.lastIndex() >= memory.firstIndex()) {
                for (Entry entry : memory.entries(memory.firstIndex(), memory.lastIndex() + 1,
                        Long.MAX_VALUE)) {
                    log.add(entry.getTerm() + "/" + entry.getIndex());
                }
            }
            return log;
        }
    }

    private final TreeMap<Long, Member> members = new TreeMap<>();
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    private final Set<Long> isolated = new HashSet<>();
    private Predicate<Message> drop = message -> false;

    /** A cluster of voters 1..size, each with an empty log, configured by {@code tweak}. */
    static TestCluster of(int size, UnaryOperator<RaftConfig.Builder> tweak) {
        long[] voters = new long[size];
        for (int i = 0; i < size; i++) {
            voters[i] = i + 1;
        }
        TestCluster cluster = new TestCluster();
        for (long id : voters) {
            cluster.add(id, ConfiguredStorage.withVoters(voters), tweak);
        }
        return cluster;
    }

    /** The settings most tests use: election after 10 ticks, heartbeat every tick. */
    static RaftConfig.Builder defaults(RaftConfig.Builder builder) {
        return builder.electionTicks(10).heartbeatTicks(1).inflightCountMax(256)
                .msgBytesMax(Long.MAX_VALUE);
    }

    Member add(long id, ConfiguredStorage storage, UnaryOperator<RaftConfig.Builder> tweak) {
        RaftConfig config = tweak.apply(defaults(RaftConfig.builder(id, storage,
                new SplittableRandom(id)))).build();
        Member member = new Member(id, new RawNode(config), storage);
        member.tweak = tweak;
        members.put(id, member);
        return member;
    }

    /**
     * Crashes node {@code id} and starts it again from what it persisted; messages in flight to
     * it are lost. As etcd's server does, it restarts Raft at its snapshot and, as the committed
     * entries come out again, applies the conf changes among them anew and skips the rest.
     */
    void restart(long id) {
        Member member = member(id);
        for (Message message : List.copyOf(inFlight)) {
            if (message.getTo() == id) {
                inFlight.remove(message);
                if (message.getType() == MessageType.MsgSnap) {
                    member(message.getFrom()).node.reportSnapshot(id, SnapshotStatus.FAILURE);
                }
            }
        }
        member.node = new RawNode(member.tweak.apply(defaults(RaftConfig.builder(id,
                member.storage, new SplittableRandom(id))))
                .applied(member.storage.memory.snapshot().getMetadata().getIndex()).build());
    }

    /** Campaigns with {@code id} until it leads, a few elections at most. */
    void elect(long id) {
        for (int attempt = 0; attempt < 5 && member(id).role() != RaftRole.LEADER; attempt++) {
            campaign(id);
        }
    }

    Member member(long id) {
        return members.get(id);
    }

    java.util.Collection<Member> members() {
        return members.values();
    }

    /** Drops every message to or from {@code id} until {@link #heal}. */
    void isolate(long id) {
        isolated.add(id);
    }

    /** Drops every message matching {@code filter} until {@link #heal}. */
    void dropIf(Predicate<Message> filter) {
        drop = drop.or(filter);
    }

    void heal() {
        isolated.clear();
        drop = message -> false;
    }

    void campaign(long id) {
        member(id).node.campaign();
        stabilize();
    }

    void propose(long id, String data) {
        member(id).node.propose(ByteString.copyFromUtf8(data));
        stabilize();
    }

    void tick(long id, int ticks) {
        for (int i = 0; i < ticks; i++) {
            member(id).node.tick();
        }
        stabilize();
    }

    /** Handles Readys and delivers messages until the cluster is quiet. */
    void stabilize() {
        for (int round = 0; round < DELIVERY_ROUNDS_MAX; round++) {
            for (Member member : members.values()) {
                while (member.node.hasReady()) {
                    inFlight.addAll(handleReady(member));
                }
            }
            if (inFlight.isEmpty()) {
                return;
            }
            Message message = inFlight.removeFirst();
            Member to = members.get(message.getTo());
            boolean lost = to == null || isolated.contains(message.getTo())
                    || isolated.contains(message.getFrom()) || drop.test(message);
            if (!lost) {
                try {
                    to.node.step(message);
                } catch (MessageRejectedException rejected) {
                    // A response from a node that is no longer a member: dropped, as the server
                    // would.
                }
            }
            if (message.getType() == MessageType.MsgSnap) {
                // As the transport does once a snapshot was sent or failed to be.
                members.get(message.getFrom()).node.reportSnapshot(message.getTo(),
                        lost ? SnapshotStatus.FAILURE : SnapshotStatus.FINISH);
            }
        }
        throw new IllegalStateException("cluster did not settle");
    }

    /** Takes one Ready of {@code member}, persists and applies it; returns its messages. */
    static List<Message> handleReady(Member member) {
        Ready ready = member.node.ready();
        ready.hardState().ifPresent(member.storage.memory::setHardState);
        ready.snapshot().ifPresent(snapshot -> {
            member.storage.memory.applySnapshot(snapshot);
            member.appliedIndex = snapshot.getMetadata().getIndex();
        });
        member.storage.memory.append(ready.entries());
        for (Entry entry : ready.committedEntries()) {
            apply(member, entry);
        }
        member.readStates.addAll(ready.readStates());
        member.node.advance(ready);
        return ready.messages();
    }

    private static void apply(Member member, Entry entry) {
        boolean replayed = entry.getIndex() <= member.appliedIndex;
        if (replayed && entry.getType() == EntryType.ENTRY_NORMAL) {
            return;
        }
        try {
            switch (entry.getType()) {
                case ENTRY_CONF_CHANGE -> member.node.applyConfChange(
                        ConfChange.parseFrom(entry.getData()));
                case ENTRY_CONF_CHANGE_V2 -> member.node.applyConfChange(
                        ConfChangeV2.parseFrom(entry.getData()));
                default -> {
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        } catch (InvalidConfChangeException refused) {
            // Every member refuses the same change at the same point: skipped, as a server would.
        }
        if (!replayed) {
            member.applied.add(entry);
            member.appliedIndex = entry.getIndex();
        }
    }

    /** The leader with the highest term, or null. */
    Member leader() {
        Member leader = null;
        for (Member member : members.values()) {
            if (member.role() == RaftRole.LEADER && (leader == null
                    || member.term() > leader.term())) {
                leader = member;
            }
        }
        return leader;
    }
}
