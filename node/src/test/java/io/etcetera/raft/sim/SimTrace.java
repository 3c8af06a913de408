package io.etcetera.raft.sim;

import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;

/**
 * The most recent events of one simulated run, one compact line each, for the failure report.
 *
 * <p>Events are kept as small records in a ring of {@link #EVENTS_MAX} and formatted only when a
 * run fails, so tracing costs one allocation per event. A line reads
 * {@code  123.4 n2 recv    MsgApp 1>2 t5 prev=10/4 ents=11..13 commit=9}: the time in ticks
 * (instant / instants per tick), the node, the event and its detail. Confined to the simulation's
 * single thread.
 */
final class SimTrace {

    /** Events kept for the report; older ones are overwritten. */
    static final int EVENTS_MAX = 512;

    /** One event; {@code detail} is formatted lazily (a Message, or any object's toString). */
    private record Event(long instant, long node, String what, Object detail) {}

    private final Event[] ring = new Event[EVENTS_MAX];
    private long count;

    void add(long instant, long node, String what, Object detail) {
        ring[(int) (count % EVENTS_MAX)] = new Event(instant, node, what, detail);
        count++;
    }

    /** The last {@code lines} events (at most {@link #EVENTS_MAX}), oldest first. */
    String tail(int lines) {
        long kept = Math.min(count, Math.min(lines, EVENTS_MAX));
        StringBuilder text = new StringBuilder();
        for (long i = count - kept; i < count; i++) {
            Event event = ring[(int) (i % EVENTS_MAX)];
            text.append(String.format("%8.1f %-3s %-9s ", event.instant
                    / (double) SimClock.INSTANTS_PER_TICK,
                    event.node == 0 ? "--" : "n" + event.node, event.what));
            Object detail = event.detail;
            text.append(detail instanceof Message message ? describe(message)
                    : String.valueOf(detail)).append('\n');
        }
        return text.toString();
    }

    /** A message in one short line: kind, route, term and the fields its kind uses. */
    static String describe(Message message) {
        StringBuilder text = new StringBuilder().append(message.getType()).append(' ')
                .append(message.getFrom()).append('>').append(message.getTo())
                .append(" t").append(message.getTerm());
        MessageType type = message.getType();
        switch (type) {
            case MsgApp -> text.append(" prev=").append(message.getIndex()).append('/')
                    .append(message.getLogTerm()).append(entries(message))
                    .append(" commit=").append(message.getCommit());
            case MsgAppResp -> text.append(message.getReject() ? " reject=" : " index=")
                    .append(message.getIndex()).append(message.getReject()
                            ? " hint=" + message.getRejectHint() + "/" + message.getLogTerm()
                            : "");
            case MsgVote, MsgPreVote -> text.append(" last=").append(message.getIndex())
                    .append('/').append(message.getLogTerm())
                    .append(message.getContext().isEmpty() ? "" : " transfer");
            case MsgVoteResp, MsgPreVoteResp -> text.append(message.getReject() ? " reject"
                    : " grant");
            case MsgHeartbeat -> text.append(" commit=").append(message.getCommit())
                    .append(message.getContext().isEmpty() ? "" : " read-ctx");
            case MsgSnap -> text.append(" snap=").append(message.getSnapshot().getMetadata()
                    .getIndex()).append('/').append(message.getSnapshot().getMetadata()
                    .getTerm());
            case MsgReadIndexResp -> text.append(" index=").append(message.getIndex());
            case MsgProp -> text.append(entries(message));
            default -> {
                // The kind, route and term say it all.
            }
        }
        return text.toString();
    }

    /** An entry as {@code index/term} with its kind and data, e.g. {@code 12/3 'w7'}. */
    static String describe(Entry entry) {
        if (entry == null) {
            return "none";
        }
        String kind = switch (entry.getType()) {
            case ENTRY_NORMAL -> entry.getData().isEmpty() ? "empty"
                    : "'" + entry.getData().toStringUtf8() + "'";
            case ENTRY_CONF_CHANGE, ENTRY_CONF_CHANGE_V2 -> "conf";
            default -> "?";
        };
        return entry.getIndex() + "/" + entry.getTerm() + " " + kind;
    }

    private static String entries(Message message) {
        int count = message.getEntriesCount();
        if (count == 0) {
            return "";
        }
        Entry first = message.getEntries(0);
        Entry last = message.getEntries(count - 1);
        String kinds = first.getType() == EntryType.ENTRY_NORMAL ? "" : " (conf)";
        return " ents=" + first.getIndex() + ".." + last.getIndex() + "@" + last.getTerm()
                + kinds;
    }
}
