package io.etcetera.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.ConfChangeSingle;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.tracker.ClusterConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random runs of small clusters, as a bug finder for the engine: Readys are handled at
 * random moments, messages are delivered in random order, dropped, duplicated, cut by partitions;
 * nodes crash and restart from what they persisted, compact their logs, change membership and
 * hand over leadership. After every step the
 * Raft safety properties are checked (Figure 3 of the paper): election safety, log matching,
 * state machine safety, leader completeness, and commit indexes that never go back. After the
 * faults stop, a leader must emerge and commit. {@code -Draft.randomized.seeds=N} runs N seeds
 * (from {@code -Draft.randomized.first=F}, default 0); {@code -Draft.randomized.seed=S} replays
 * seed S alone.
 */
class RandomizedClusterTest {

    private static final int STEPS = 2000;
    /** Membership changes keep at least this many voters. */
    private static final int VOTERS_MIN = 3;
    /** One message in this many is lost (besides those cut by a partition). */
    private static final int LOSS_ONE_IN = 20;
    private static final int HEAL_TICKS_MAX = 200;
    /** After healing, ticks between attempts to propose the marker entry. */
    private static final int RETRY_TICKS = 10;
    /** The quadratic log comparisons run every few steps; the cheap checks after every step. */
    private static final int LOG_CHECK_INTERVAL = 8;

    @Test
    void safetyHoldsUnderRandomFaults() {
        long first = Long.getLong("raft.randomized.seed",
                Long.getLong("raft.randomized.first", 0));
        long seeds = System.getProperty("raft.randomized.seed") != null ? 1
                : Long.getLong("raft.randomized.seeds", 200);
        for (long seed = first; seed < first + seeds; seed++) {
            try {
                new Run(seed).execute();
            } catch (AssertionError | RuntimeException failure) {
                throw new AssertionError("seed " + seed + " failed; replay with "
                        + "-Draft.randomized.seed=" + seed + ": " + failure.getMessage(), failure);
            }
        }
    }

    /** One seeded run. */
    private static final class Run {
        private final SplittableRandom random;
        private final TestCluster cluster = new TestCluster();
        private final List<Message> inFlight = new ArrayList<>();
        private final Set<Long> partitioned = new HashSet<>();
        /** Election safety: the leader seen for each term. */
        private final Map<Long, Long> leaderOfTerm = new HashMap<>();
        /** State machine safety: what was applied at each index, by anyone. */
        private final Map<Long, Entry> appliedAt = new HashMap<>();
        /**
         * Per applied index, the highest term any node had when it was first seen applied: it was
         * committed in that term or before, so every leader of a later term must hold it.
         */
        private final Map<Long, Long> committedByTerm = new HashMap<>();
        private final Map<Long, Long> lastCommit = new HashMap<>();
        /** Per node, how many of its applied entries were checked already. */
        private final Map<Long, Integer> appliedChecked = new HashMap<>();
        /**
         * Nodes some member saw removed. Like etcd, the cluster never takes a removed ID back:
         * a new member gets a new ID (a re-added node's old log would need a snapshot taken
         * while it was not a member, which it must refuse).
         */
        private final Set<Long> removed = new HashSet<>();
        private final int size;
        private int proposals;

        Run(long seed) {
            random = new SplittableRandom(seed);
            size = random.nextBoolean() ? 3 : 5;
            boolean preVote = random.nextBoolean();
            boolean checkQuorum = random.nextBoolean();
            long[] voters = new long[size];
            for (int i = 0; i < size; i++) {
                voters[i] = i + 1;
            }
            for (long id : voters) {
                cluster.add(id, ConfiguredStorage.withVoters(voters), config -> config
                        .electionTicks(5).preVote(preVote).checkQuorum(checkQuorum)
                        .msgBytesMax(64).inflightCountMax(4));
            }
        }

        void execute() {
            for (int step = 0; step < STEPS; step++) {
                act();
                check(step % LOG_CHECK_INTERVAL == 0);
            }
            partitioned.clear();
            heal();
        }

        private long randomNode() {
            return 1 + random.nextInt(size);
        }

        /**
         * One random event. Time passes for all nodes alike (with an occasional extra tick for
         * one, as clocks drift); most events move messages and Readys, so that work gets done
         * between the faults.
         */
        private void act() {
            int dice = random.nextInt(1000);
            TestCluster.Member member = cluster.member(randomNode());
            if (dice < 60) {
                cluster.members().forEach(each -> each.node.tick());
            } else if (dice < 70) {
                member.node.tick();
            } else if (dice < 500) {
                deliverOne();
            } else if (dice < 750) {
                if (member.node.hasReady()) {
                    inFlight.addAll(TestCluster.handleReady(member));
                }
            } else if (dice < 930) {
                propose(member);
            } else if (dice < 940) {
                crash(member);
            } else if (dice < 955) {
                compact(member);
            } else if (dice < 965) {
                partitioned.clear();
                if (random.nextBoolean()) {
                    partitioned.add(randomNode());
                }
            } else if (dice < 970) {
                member.node.transferLeader(randomNode());
            } else if (dice < 985) {
                proposeConfChange();
            } else if (!inFlight.isEmpty()) {
                // Duplicate a message.
                inFlight.add(inFlight.get(random.nextInt(inFlight.size())));
            }
        }

        private void deliverOne() {
            if (inFlight.isEmpty()) {
                return;
            }
            Message message = inFlight.remove(random.nextInt(inFlight.size()));
            boolean cut = partitioned.contains(message.getTo())
                    != partitioned.contains(message.getFrom());
            boolean lost = cut || random.nextInt(LOSS_ONE_IN) == 0;
            if (!lost) {
                try {
                    cluster.member(message.getTo()).node.step(message);
                } catch (MessageRejectedException rejected) {
                    // Dropped, as the server would.
                }
            }
            reportSnapshot(message, lost);
        }

        /** What the transport does after sending a snapshot: report the outcome to the sender. */
        private void reportSnapshot(Message message, boolean lost) {
            if (message.getType() == MessageType.MsgSnap) {
                cluster.member(message.getFrom()).node.reportSnapshot(message.getTo(),
                        lost ? SnapshotStatus.FAILURE : SnapshotStatus.FINISH);
            }
        }

        private void propose(TestCluster.Member member) {
            try {
                member.node.propose(ByteString.copyFromUtf8("p" + proposals++));
            } catch (ProposalDroppedException dropped) {
                // No leader, or a transfer in progress: the client retries elsewhere.
            }
        }

        /**
         * Proposes, at the leader and judged against its configuration, a membership change: add
         * a voter or a learner, promote, demote or remove; one or two changes (two go through
         * joint consensus). At least {@link #VOTERS_MIN} voters remain: shrinking a 2-voter
         * configuration by its leader can leave the survivor unable to win a vote when commit
         * messages were lost (etcd warns against 2-member clusters for this reason).
         */
        private void proposeConfChange() {
            TestCluster.Member leader = cluster.leader();
            if (leader == null) {
                return;
            }
            ClusterConfig config = leader.status().config();
            Set<Long> voters = new HashSet<>();
            for (long id : config.voters().incoming().ids()) {
                voters.add(id);
            }
            ConfChangeV2.Builder change = ConfChangeV2.newBuilder();
            int changes = 1 + random.nextInt(2);
            for (int i = 0; i < changes; i++) {
                long id = randomNode();
                if (removed.contains(id)) {
                    continue;
                }
                ConfChangeType type;
                if (!voters.contains(id)) {
                    type = random.nextBoolean() ? ConfChangeType.CONF_CHANGE_ADD_NODE
                            : ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE;
                    if (type == ConfChangeType.CONF_CHANGE_ADD_NODE) {
                        voters.add(id);
                    }
                } else if (voters.size() > VOTERS_MIN) {
                    type = random.nextBoolean() ? ConfChangeType.CONF_CHANGE_REMOVE_NODE
                            : ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE;
                    voters.remove(id);
                } else {
                    continue;
                }
                change.addChanges(ConfChangeSingle.newBuilder().setType(type).setNodeId(id));
            }
            if (change.getChangesCount() == 0) {
                return;
            }
            try {
                leader.node.proposeConfChange(change.build());
            } catch (ProposalDroppedException dropped) {
                // Retried by the operator later, as any proposal.
            }
        }

        private void crash(TestCluster.Member member) {
            for (Message message : List.copyOf(inFlight)) {
                if (message.getTo() == member.id) {
                    inFlight.remove(message);
                    reportSnapshot(message, true);
                }
            }
            cluster.restart(member.id);
        }

        private void compact(TestCluster.Member member) {
            MemoryStorage storage = member.storage.memory;
            // Raft's own applied index bounds compaction: after a restart it may still hand out
            // entries the state machine has, for their conf changes.
            long applied = Math.min(member.status().applied(), storage.lastIndex());
            if (applied <= storage.snapshot().getMetadata().getIndex()
                    || applied < storage.firstIndex()) {
                return;
            }
            ConfState confState = member.status().config().toConfState();
            storage.createSnapshot(applied, confState, ByteString.EMPTY);
            storage.compact(applied);
        }

        private void check(boolean compareLogs) {
            Map<Long, List<Entry>> logs = new HashMap<>();
            long highestTerm = cluster.members().stream().mapToLong(TestCluster.Member::term)
                    .max().orElse(0);
            for (TestCluster.Member member : cluster.members()) {
                Status status = member.status();
                for (long id = 1; id <= size; id++) {
                    if (!status.config().voters().contains(id)
                            && !status.config().learners().contains(id)) {
                        removed.add(id);
                    }
                }
                long term = status.hardState().getTerm();
                if (status.softState().role() == RaftRole.LEADER) {
                    Long previous = leaderOfTerm.putIfAbsent(term, member.id);
                    assertThat(previous == null || previous == member.id)
                            .as("election safety: two leaders in term %d", term).isTrue();
                }
                long commit = member.storage.memory.initialState().hardState().getCommit();
                assertThat(commit).as("persisted commit of %d never goes back", member.id)
                        .isGreaterThanOrEqualTo(lastCommit.getOrDefault(member.id, 0L));
                lastCommit.put(member.id, commit);
                int checked = appliedChecked.getOrDefault(member.id, 0);
                for (Entry entry : member.applied.subList(checked, member.applied.size())) {
                    Entry other = appliedAt.putIfAbsent(entry.getIndex(), entry);
                    assertThat(other == null || other.equals(entry))
                            .as("state machine safety at %d", entry.getIndex()).isTrue();
                    committedByTerm.putIfAbsent(entry.getIndex(), highestTerm);
                }
                appliedChecked.put(member.id, member.applied.size());
                if (compareLogs) {
                    logs.put(member.id, storedLog(member.storage.memory));
                }
            }
            if (compareLogs) {
                checkLogMatching(logs);
                checkLeaderCompleteness(logs);
            }
        }

        private static List<Entry> storedLog(MemoryStorage storage) {
            if (storage.lastIndex() < storage.firstIndex()) {
                return List.of();
            }
            return storage.entries(storage.firstIndex(), storage.lastIndex() + 1, Long.MAX_VALUE);
        }

        /** Two logs holding an entry with the same index and term agree on all before it. */
        private static void checkLogMatching(Map<Long, List<Entry>> logs) {
            for (List<Entry> first : logs.values()) {
                for (List<Entry> second : logs.values()) {
                    if (first == second || first.isEmpty() || second.isEmpty()) {
                        continue;
                    }
                    long firstStart = first.get(0).getIndex();
                    long secondStart = second.get(0).getIndex();
                    long low = Math.max(firstStart, secondStart);
                    long high = Math.min(firstStart + first.size(), secondStart + second.size());
                    boolean matchedLater = false;
                    for (long index = high - 1; index >= low; index--) {
                        Entry entry = first.get((int) (index - firstStart));
                        Entry other = second.get((int) (index - secondStart));
                        matchedLater |= other.getTerm() == entry.getTerm();
                        if (matchedLater && !other.equals(entry)) {
                            throw new AssertionError("log matching violated at " + index + ": "
                                    + entry + " vs " + other);
                        }
                    }
                }
            }
        }

        /**
         * Leader completeness (§5.4): a leader of a term after an entry's commitment holds that
         * entry, where its stored log covers the index.
         */
        private void checkLeaderCompleteness(Map<Long, List<Entry>> logs) {
            for (TestCluster.Member member : cluster.members()) {
                if (member.role() != RaftRole.LEADER) {
                    continue;
                }
                long term = member.term();
                for (Entry entry : logs.get(member.id)) {
                    Entry committed = appliedAt.get(entry.getIndex());
                    if (committed != null && term > committedByTerm.get(entry.getIndex())) {
                        assertThat(entry).as("leader %d of term %d holds the entry committed "
                                + "at %d by term %d", member.id, term, entry.getIndex(),
                                committedByTerm.get(entry.getIndex())).isEqualTo(committed);
                    }
                }
            }
        }

        /**
         * Without faults, a leader emerges and a new proposal reaches every state machine. Like a
         * client, it proposes again every few ticks: a proposal may be lost with its leader.
         */
        private void heal() {
            String marker = "after-heal";
            for (int tick = 0; tick < HEAL_TICKS_MAX; tick++) {
                for (TestCluster.Member member : cluster.members()) {
                    member.node.tick();
                }
                deliverEverything();
                TestCluster.Member leader = cluster.leader();
                if (leader != null && tick % RETRY_TICKS == 0 && !appliedAnywhere(marker)) {
                    try {
                        leader.node.propose(ByteString.copyFromUtf8(marker));
                    } catch (ProposalDroppedException transferInProgress) {
                        // Retried later.
                    }
                }
                deliverEverything();
                check(true);
                if (leader != null && cluster.members().stream()
                        .filter(member -> isMember(leader, member.id))
                        .allMatch(member -> applied(member, marker))) {
                    return;
                }
            }
            StringBuilder state = new StringBuilder();
            for (TestCluster.Member member : cluster.members()) {
                state.append("\n  ").append(member.id).append(": ").append(member.status()
                        .softState()).append(" term ").append(member.term()).append(" commit ")
                        .append(member.commit()).append(" applied ").append(member.appliedIndex)
                        .append(" last ").append(member.storage.memory.lastIndex())
                        .append(' ').append(member.status().config());
            }
            TestCluster.Member leader = cluster.leader();
            if (leader != null) {
                state.append("\n  leader's view:\n").append(leader.status().progress());
            }
            throw new AssertionError("no progress within " + HEAL_TICKS_MAX
                    + " ticks after healing:" + state);
        }

        private static boolean isMember(TestCluster.Member leader, long id) {
            ClusterConfig config = leader.status().config();
            return config.voters().contains(id) || config.learners().contains(id);
        }

        private boolean appliedAnywhere(String data) {
            return cluster.members().stream().anyMatch(member -> applied(member, data));
        }

        private static boolean applied(TestCluster.Member member, String data) {
            return member.applied.stream().anyMatch(entry -> entry.getType()
                    == EntryType.ENTRY_NORMAL && entry.getData().toStringUtf8().equals(data));
        }

        private void deliverEverything() {
            for (int round = 0; round < 10_000; round++) {
                for (TestCluster.Member member : cluster.members()) {
                    while (member.node.hasReady()) {
                        inFlight.addAll(TestCluster.handleReady(member));
                    }
                }
                if (inFlight.isEmpty()) {
                    return;
                }
                Message message = inFlight.remove(0);
                try {
                    cluster.member(message.getTo()).node.step(message);
                } catch (MessageRejectedException rejected) {
                    // Dropped.
                }
                reportSnapshot(message, false);
            }
        }
    }
}
