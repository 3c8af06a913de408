package io.etcetera.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.pb.Snapshot;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A cluster of {@link RawNode}s driven step by step by an interaction script: every Ready is
 * handled explicitly (persist into the node's {@link MemoryStorage}, apply, collect messages,
 * advance) and every message is delivered or dropped explicitly. Nothing happens on its own.
 *
 * <p>The state machine appends each applied entry's data (or conf change context) to a string;
 * after applying an entry the node snapshots it into storage, so a leader that must send a
 * snapshot sends its latest applied state. Node IDs are 1, 2, ... in the order added.
 */
final class InteractionEnv {

    /** Rounds {@link #stabilize} may take before the cluster is declared not to converge. */
    private static final int STABILIZE_ROUNDS_MAX = 10_000;

    /**
     * One node.
     *
     * @param rawNode the node
     * @param storage what it persisted
     */
    record Node(long id, RawNode rawNode, MemoryStorage storage) {}

    final List<Node> nodes = new ArrayList<>();
    /** Messages sent and not yet delivered or dropped, in send order. */
    final List<Message> inFlight = new ArrayList<>();
    StringBuilder out = new StringBuilder();

    Node node(long id) {
        if (id < 1 || id > nodes.size()) {
            throw new IllegalArgumentException("no node " + id);
        }
        return nodes.get((int) id - 1);
    }

    /** Adds a node configured by {@code config}, whose storage is {@code storage}. */
    void addNode(RaftConfig.Builder config, MemoryStorage storage) {
        long id = nodes.size() + 1;
        nodes.add(new Node(id, new RawNode(config.build()), storage));
    }

    /** Takes and handles one Ready of node {@code id}, printing it. */
    void processReady(long id) {
        Node node = node(id);
        Ready ready = node.rawNode().ready();
        out.append(Describe.ready(ready));
        ready.hardState().ifPresent(node.storage()::setHardState);
        if (ready.snapshot().isPresent()) {
            if (!ready.entries().isEmpty()) {
                throw new IllegalStateException("snapshot and entries in one Ready");
            }
            node.storage().applySnapshot(ready.snapshot().get());
        }
        node.storage().append(ready.entries());
        for (Entry entry : ready.committedEntries()) {
            apply(node, entry);
        }
        inFlight.addAll(ready.messages());
        node.rawNode().advance(ready);
    }

    /** Applies one committed entry to the appending state machine and snapshots the result. */
    private static void apply(Node node, Entry entry) {
        ByteString update;
        ConfState confState = null;
        switch (entry.getType()) {
            case ENTRY_CONF_CHANGE -> {
                ConfChange change = parseV1(entry.getData());
                update = change.getContext();
                confState = node.rawNode().applyConfChange(change);
            }
            case ENTRY_CONF_CHANGE_V2 -> {
                ConfChangeV2 change = Describe.parseV2(entry.getData());
                update = change.getContext();
                confState = node.rawNode().applyConfChange(change);
            }
            default -> update = entry.getData();
        }
        Snapshot previous = node.storage().snapshot();
        if (confState == null) {
            confState = previous.getMetadata().getConfState();
        }
        node.storage().createSnapshot(entry.getIndex(), confState,
                previous.getData().concat(update));
    }

    private static ConfChange parseV1(ByteString data) {
        try {
            return ConfChange.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Delivers (or, with {@code drop}, discards) the in-flight messages to {@code to}, of
     * {@code type} if not null, printing each. Returns how many there were.
     */
    int deliver(long to, MessageType type, boolean drop) {
        List<Message> selected = new ArrayList<>();
        for (Iterator<Message> it = inFlight.iterator(); it.hasNext(); ) {
            Message message = it.next();
            if (message.getTo() == to && (type == null || message.getType() == type)) {
                selected.add(message);
                it.remove();
            }
        }
        for (Message message : selected) {
            out.append(drop ? "dropped: " : "").append(Describe.message(message)).append('\n');
            if (!drop) {
                try {
                    node(to).rawNode().step(message);
                } catch (MessageRejectedException rejected) {
                    out.append(rejected.getMessage()).append('\n');
                }
            }
        }
        return selected.size();
    }

    /**
     * Handles Readys and delivers messages among {@code ids} (all nodes when empty) until none
     * of them has anything left to do.
     */
    void stabilize(List<Long> ids) {
        List<Node> selected = ids.isEmpty() ? nodes : ids.stream().map(this::node).toList();
        for (int round = 0; round < STABILIZE_ROUNDS_MAX; round++) {
            boolean done = true;
            for (Node node : selected) {
                if (node.rawNode().hasReady()) {
                    out.append("> ").append(node.id()).append(" handling Ready\n");
                    indented(() -> processReady(node.id()));
                    done = false;
                }
            }
            for (Node node : selected) {
                if (inFlight.stream().anyMatch(message -> message.getTo() == node.id())) {
                    out.append("> ").append(node.id()).append(" receiving messages\n");
                    indented(() -> deliver(node.id(), null, false));
                    done = false;
                }
            }
            if (done) {
                return;
            }
        }
        throw new IllegalStateException("no stable state after " + STABILIZE_ROUNDS_MAX
                + " rounds");
    }

    /** Runs {@code action}, indenting what it prints by two spaces. */
    void indented(Runnable action) {
        StringBuilder outer = out;
        out = new StringBuilder();
        action.run();
        for (String line : out.toString().split("\n")) {
            if (!line.isEmpty()) {
                outer.append("  ").append(line).append('\n');
            }
        }
        out = outer;
    }

    /** Prints the entries in node {@code id}'s storage. */
    void raftLog(long id) {
        MemoryStorage storage = node(id).storage();
        long first = storage.firstIndex();
        long last = storage.lastIndex();
        if (last < first) {
            out.append("log is empty: first index=").append(first).append(", last index=")
                    .append(last).append('\n');
            return;
        }
        out.append(Describe.entries(storage.entries(first, last + 1, Long.MAX_VALUE)));
    }
}
