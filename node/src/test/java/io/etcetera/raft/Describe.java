package io.etcetera.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcetera.raft.confchange.Changer;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeSingle;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.Snapshot;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Human-readable, deterministic descriptions of Raft types for the interaction scripts, in etcd
 * raft's format (so its testdata reads the same): {@code 1->2 MsgApp Term:1 Log:1/2 Commit:2},
 * {@code 1/3 EntryNormal "data"}, {@code v2 r3 l4} for conf changes.
 */
final class Describe {

    private Describe() {}

    static String ready(Ready ready) {
        StringBuilder text = new StringBuilder();
        ready.softState().ifPresent(soft -> text.append(softState(soft)).append('\n'));
        ready.hardState().ifPresent(hard -> text.append("HardState ").append(hardState(hard))
                .append('\n'));
        for (ReadState state : ready.readStates()) {
            text.append("ReadState Index:").append(state.index()).append(" Context:")
                    .append(quote(state.requestContext())).append('\n');
        }
        if (!ready.entries().isEmpty()) {
            text.append("Entries:\n").append(entries(ready.entries()));
        }
        ready.snapshot().ifPresent(snapshot -> text.append("Snapshot ").append(snapshot(snapshot))
                .append('\n'));
        if (!ready.committedEntries().isEmpty()) {
            text.append("CommittedEntries:\n").append(entries(ready.committedEntries()));
        }
        if (!ready.messages().isEmpty()) {
            text.append("Messages:\n");
            for (Message message : ready.messages()) {
                text.append(message(message)).append('\n');
            }
        }
        if (text.length() == 0) {
            return "<empty Ready>\n";
        }
        return "Ready MustSync=" + ready.mustSync() + ":\n" + text;
    }

    static String softState(SoftState soft) {
        return "Lead:" + Long.toHexString(soft.leader()) + " State:" + soft.role();
    }

    static String hardState(HardState hard) {
        String vote = hard.getVote() != 0 ? " Vote:" + Long.toHexString(hard.getVote()) : "";
        return "Term:" + hard.getTerm() + vote + " Commit:" + hard.getCommit();
    }

    static String message(Message message) {
        StringBuilder text = new StringBuilder()
                .append(target(message.getFrom())).append("->").append(target(message.getTo()))
                .append(' ').append(message.getType())
                .append(" Term:").append(message.getTerm())
                .append(" Log:").append(message.getLogTerm()).append('/')
                .append(message.getIndex());
        if (message.getReject()) {
            text.append(" Rejected (Hint: ").append(message.getRejectHint()).append(')');
        }
        if (message.getCommit() != 0) {
            text.append(" Commit:").append(message.getCommit());
        }
        if (message.getEntriesCount() == 1) {
            text.append(" Entries:[").append(entry(message.getEntries(0))).append(']');
        } else if (message.getEntriesCount() > 1) {
            text.append(" Entries:[");
            for (Entry entry : message.getEntriesList()) {
                text.append("\n  ").append(entry(entry));
            }
            text.append("\n]");
        }
        if (message.hasSnapshot() && message.getSnapshot().getMetadata().getIndex() != 0) {
            text.append("\n  Snapshot: ").append(snapshot(message.getSnapshot()));
        }
        return text.toString();
    }

    private static String target(long id) {
        return id == 0 ? "None" : Long.toHexString(id);
    }

    static String entries(List<Entry> entries) {
        StringBuilder text = new StringBuilder();
        for (Entry entry : entries) {
            text.append(entry(entry)).append('\n');
        }
        return text.toString();
    }

    static String entry(Entry entry) {
        String formatted = switch (entry.getType()) {
            case ENTRY_NORMAL -> quote(entry.getData());
            case ENTRY_CONF_CHANGE -> confChange(parseV1(entry.getData()));
            case ENTRY_CONF_CHANGE_V2 -> confChange(parseV2(entry.getData()));
            case UNRECOGNIZED -> "?";
        };
        String type = switch (entry.getType()) {
            case ENTRY_NORMAL -> "EntryNormal";
            case ENTRY_CONF_CHANGE -> "EntryConfChange";
            case ENTRY_CONF_CHANGE_V2 -> "EntryConfChangeV2";
            case UNRECOGNIZED -> "EntryUnknown";
        };
        return entry.getTerm() + "/" + entry.getIndex() + " " + type
                + (formatted.isEmpty() ? "" : " " + formatted);
    }

    static ConfChangeV2 parseV1(ByteString data) {
        try {
            return Changer.toV2(ConfChange.parseFrom(data));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ConfChangeV2 parseV2(ByteString data) {
        try {
            return ConfChangeV2.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** etcd's short form: {@code v} voter, {@code l} learner, {@code r} remove, {@code u}pdate. */
    static String confChange(ConfChangeV2 change) {
        return change.getChangesList().stream().map(Describe::single)
                .collect(Collectors.joining(" "));
    }

    private static String single(ConfChangeSingle change) {
        String kind = switch (change.getType()) {
            case CONF_CHANGE_ADD_NODE -> "v";
            case CONF_CHANGE_ADD_LEARNER_NODE -> "l";
            case CONF_CHANGE_REMOVE_NODE -> "r";
            case CONF_CHANGE_UPDATE_NODE -> "u";
            case UNRECOGNIZED -> "?";
        };
        return kind + change.getNodeId();
    }

    static String snapshot(Snapshot snapshot) {
        return "Index:" + snapshot.getMetadata().getIndex() + " Term:"
                + snapshot.getMetadata().getTerm() + " ConfState:"
                + confState(snapshot.getMetadata().getConfState());
    }

    static String confState(ConfState state) {
        return "Voters:" + ids(state.getVotersList()) + " VotersOutgoing:"
                + ids(state.getVotersOutgoingList()) + " Learners:" + ids(state.getLearnersList())
                + " LearnersNext:" + ids(state.getLearnersNextList()) + " AutoLeave:"
                + state.getAutoLeave();
    }

    private static String ids(List<Long> ids) {
        return ids.stream().map(Long::toHexString).collect(Collectors.joining(" ", "[", "]"));
    }

    /** Data as a double-quoted string, non-printable bytes escaped. */
    static String quote(ByteString data) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < data.size(); i++) {
            int b = data.byteAt(i) & 0xff;
            if (b == '"' || b == '\\') {
                text.append('\\').append((char) b);
            } else if (b >= 0x20 && b < 0x7f) {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        return text.append('"').toString();
    }
}
