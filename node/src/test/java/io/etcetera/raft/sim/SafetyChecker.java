package io.etcetera.raft.sim;

import com.google.protobuf.ByteString;
import io.etcetera.raft.RaftRole;
import io.etcetera.raft.ReadState;
import io.etcetera.raft.Ready;
import io.etcetera.raft.Status;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks Raft's safety properties (Figure 3 of the paper) on a simulated cluster as it runs,
 * after every step of every node, plus ReadIndex linearizability:
 * <ul>
 *   <li>Election Safety: at most one leader per term, ever.
 *   <li>Log Matching: two logs holding an entry with the same index and term hold the same
 *       entry and agree on the term before it; by induction they agree on every entry up to it.
 *       Checked on each entry a node takes into its log, and pairwise over whole logs by
 *       {@link #checkLogs}.
 *   <li>Leader Completeness: an index known committed while every node's term was below T is
 *       in the log of every leader of term T (such a leader was elected after the commit).
 *   <li>State Machine Safety: every node hands out the same entry at each index, and state
 *       machines at the same index hold the same state (a hash of the prefix), snapshots too.
 *   <li>Monotonic: per node and run, term, commit and applied never go back (the durable hard
 *       state is checked across restarts by {@link SimDisk}).
 *   <li>ReadIndex: an answer is at least the highest commit index any node had when the request
 *       was made, so the read sees every write acknowledged before it.
 * </ul>
 * A violation throws {@link AssertionError}. Confined to the simulation's single thread.
 */
final class SafetyChecker {

    private record IndexTerm(long index, long term) {}

    /** What an entry at some (index, term) must be: itself, after an entry of {@code prevTerm}. */
    private record Fingerprint(long prevTerm, Entry entry) {

        @Override
        public String toString() {
            return SimTrace.describe(entry) + " after term " + prevTerm;
        }
    }

    /** What was last seen of one node in its current run. */
    private static final class Watch {
        int incarnation;
        long term;
        long commit;
        long applied;
    }

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<IndexTerm, Fingerprint> logEntries = new HashMap<>();
    private final Map<Long, Watch> watches = new HashMap<>();
    /** Committed entries by index (position index - 1), as first handed out for applying. */
    private final List<Entry> committed = new ArrayList<>();
    /** State machine hashes by index. */
    private final Map<Long, Long> hashAt = new HashMap<>();
    /** Per read request, the highest commit index anywhere when it was made. */
    private final Map<ByteString, Long> readBounds = new HashMap<>();
    /** Per committed index (position index), the highest term any node had when it was known. */
    private long[] commitTermBound = new long[64];
    private long globalCommit;
    private long maxTerm;
    private long readsAnswered;
    private long snapshotsInstalled;

    long globalCommit() {
        return globalCommit;
    }

    long readsAnswered() {
        return readsAnswered;
    }

    long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    /** Terms that had a leader. */
    long leadersElected() {
        return leaderOfTerm.size();
    }

    void onStart(SimNode node) {
        Watch watch = watches.computeIfAbsent(node.id, id -> new Watch());
        watch.incarnation = node.incarnation();
        watch.term = 0;
        watch.commit = 0;
        watch.applied = 0;
        afterStep(node);
    }

    /** After each call into a node's engine: the cheap checks. */
    void afterStep(SimNode node) {
        Status status = node.status();
        Watch watch = watches.get(node.id);
        long term = status.hardState().getTerm();
        long commit = status.hardState().getCommit();
        if (term < watch.term) {
            fail("term of node %d went back from %d to %d", node.id,
                    watch.term, term);
        }
        if (commit < watch.commit) {
            fail("commit of node %d went back from %d to %d", node.id,
                    watch.commit, commit);
        }
        if (status.applied() < watch.applied) {
            fail("applied of node %d went back from %d to %d",
                    node.id, watch.applied, status.applied());
        }
        watch.term = term;
        watch.commit = commit;
        watch.applied = status.applied();
        maxTerm = Math.max(maxTerm, term);
        if (status.softState().role() == RaftRole.LEADER) {
            Long previous = leaderOfTerm.putIfAbsent(term, node.id);
            if (previous != null && previous != node.id) {
                fail("election safety: nodes %d and %d both lead term %d", previous, node.id,
                        term);
            }
        }
        if (commit > globalCommit) {
            recordCommit(commit);
        }
    }

    private void recordCommit(long commit) {
        if (commit >= commitTermBound.length) {
            commitTermBound = Arrays.copyOf(commitTermBound,
                    (int) Math.max(commit + 1, commitTermBound.length * 2L));
        }
        for (long index = globalCommit + 1; index <= commit; index++) {
            commitTermBound[(int) index] = maxTerm;
        }
        globalCommit = commit;
    }

    /** When a node takes a Ready: its log grows by the Ready's snapshot and entries. */
    void onReady(SimNode node, Ready ready) {
        ready.snapshot().ifPresent(snapshot -> node.log.reset(snapshot.getMetadata().getIndex(),
                snapshot.getMetadata().getTerm(), List.of()));
        List<Entry> entries = ready.entries();
        long[] prevTerms = node.log.append(entries);
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            Fingerprint fingerprint = new Fingerprint(prevTerms[i], entry);
            Fingerprint known = logEntries.putIfAbsent(
                    new IndexTerm(entry.getIndex(), entry.getTerm()), fingerprint);
            if (known != null && !known.equals(fingerprint)) {
                fail("log matching: node %d has %s "
                        + "where another log had %s", node.id, fingerprint, known);
            }
        }
        if (node.role() == RaftRole.LEADER) {
            checkLeaderCompleteness(node, node.status().hardState().getTerm());
        }
    }

    private void checkLeaderCompleteness(SimNode node, long term) {
        // commitTermBound never decreases with the index: find the last index below `term`.
        long low = 0;
        long high = Math.min(globalCommit, committed.size());
        while (low < high) {
            long middle = (low + high + 1) >>> 1;
            if (commitTermBound[(int) middle] < term) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        long index = low;
        if (index <= node.log.snapshotIndex()) {
            return;
        }
        Entry expected = committed.get((int) index - 1);
        Entry held = node.log.entry(index);
        if (!expected.equals(held)) {
            fail("leader completeness: leader %d of term %d holds %s at "
                    + "%d, but %s was committed there before term %d", node.id, term,
                    SimTrace.describe(held), index, SimTrace.describe(expected), term);
        }
    }

    /** A node hands out {@code entry} for applying. */
    void onCommittedEntry(SimNode node, Entry entry) {
        long index = entry.getIndex();
        if (index > globalCommit) {
            fail("node %d applies %d beyond every commit index (%d)",
                    node.id, index, globalCommit);
        }
        if (index > committed.size()) {
            if (index != committed.size() + 1) {
                fail("node %d applies %d before anyone applied %d",
                        node.id, index, committed.size() + 1);
            }
            committed.add(entry);
            return;
        }
        Entry known = committed.get((int) index - 1);
        if (!known.equals(entry)) {
            fail("state machine safety: node %d applies %s where %s was "
                    + "applied", node.id, SimTrace.describe(entry), SimTrace.describe(known));
        }
    }

    /** A node's state machine applied {@code entry} and now has {@code hash}. */
    void onApplied(SimNode node, Entry entry, long hash) {
        Long known = hashAt.putIfAbsent(entry.getIndex(), hash);
        if (known != null && known != hash) {
            fail("state machine safety: node %d's state at %d "
                    + "differs from another node's", node.id, entry.getIndex());
        }
    }

    /** A node installs a snapshot from its leader. */
    void onSnapshotInstalled(SimNode node, Snapshot snapshot) {
        long index = snapshot.getMetadata().getIndex();
        if (index <= node.appliedIndex()) {
            fail("node %d installs snapshot %d at applied %d",
                    node.id, index, node.appliedIndex());
        }
        checkSnapshotState(node, snapshot);
        snapshotsInstalled++;
    }

    /**
     * A restarted node restores its state machine from a leader's snapshot that it persisted
     * but had not applied when it crashed.
     */
    void onSnapshotRestored(SimNode node, Snapshot snapshot) {
        checkSnapshotState(node, snapshot);
    }

    /** The snapshot is committed, of the committed entry's term, and holds the applied state. */
    private void checkSnapshotState(SimNode node, Snapshot snapshot) {
        long index = snapshot.getMetadata().getIndex();
        if (index > globalCommit) {
            fail("node %d takes snapshot %d beyond every commit (%d)",
                    node.id, index, globalCommit);
        }
        if (index <= committed.size()) {
            long term = committed.get((int) index - 1).getTerm();
            if (term != snapshot.getMetadata().getTerm()) {
                fail("node %d takes snapshot %d/%d but entry %d has term %d", node.id, index,
                        snapshot.getMetadata().getTerm(), index, term);
            }
        }
        Long known = hashAt.get(index);
        long hash = SimStateMachine.hashOf(snapshot.getData());
        if (known != null && known != hash) {
            fail("state machine safety: snapshot %d taken by node %d differs from the state "
                    + "applied there", index, node.id);
        }
    }

    void onReadStart(ByteString context) {
        readBounds.put(context, globalCommit);
    }

    void onReadDropped(ByteString context) {
        readBounds.remove(context);
    }

    void onReadState(SimNode node, ReadState readState) {
        Long bound = readBounds.get(readState.requestContext());
        if (bound == null) {
            fail("node %d got an answer to read %s, which it never asked",
                    node.id, readState.requestContext().toStringUtf8());
        }
        if (readState.index() < bound) {
            fail("linearizability: read %s answered at index %d, but "
                    + "%d was committed before it was made", readState.requestContext()
                    .toStringUtf8(), readState.index(), bound);
        }
        if (readState.index() > globalCommit) {
            fail("read %s answered at %d beyond every commit "
                    + "(%d)", readState.requestContext().toStringUtf8(), readState.index(),
                    globalCommit);
        }
        readsAnswered++;
    }

    /**
     * Log Matching over whole logs, pairwise: where two running nodes' logs hold the same term
     * at an index, they hold the same entries up to it; and each log's committed part is what
     * was applied.
     */
    void checkLogs(Collection<SimNode> nodes) {
        List<SimNode> running = nodes.stream().filter(SimNode::isUp).toList();
        for (SimNode node : running) {
            long upTo = Math.min(node.status().hardState().getCommit(), node.log.lastIndex());
            long checkedTo = Math.min(upTo, committed.size());
            for (long index = node.log.snapshotIndex() + 1; index <= checkedTo; index++) {
                if (!node.log.entry(index).equals(committed.get((int) index - 1))) {
                    fail("node %d's committed entry %d differs from the one applied", node.id,
                            index);
                }
            }
        }
        for (int a = 0; a < running.size(); a++) {
            for (int b = a + 1; b < running.size(); b++) {
                checkPair(running.get(a), running.get(b));
            }
        }
    }

    private static void checkPair(SimNode first, SimNode second) {
        long low = Math.max(first.log.snapshotIndex(), second.log.snapshotIndex()) + 1;
        long high = Math.min(first.log.lastIndex(), second.log.lastIndex());
        boolean matched = false;
        for (long index = high; index >= low; index--) {
            Entry mine = first.log.entry(index);
            Entry theirs = second.log.entry(index);
            matched |= mine.getTerm() == theirs.getTerm();
            if (matched && !mine.equals(theirs)) {
                fail("log matching: nodes %d and %d agree on a "
                        + "later term but differ at %d", first.id, second.id, index);
            }
        }
    }

    private static void fail(String format, Object... args) {
        throw new AssertionError(String.format(format, args));
    }
}
