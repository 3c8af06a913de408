package io.etcetera.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules of the Raft paper (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", extended version), one test each, quoting the rule and its section. CheckQuorum and
 * PreVote, which the paper does not have, are off.
 */
class RaftPaperTest {

    private static final int ELECTION_TICKS = 10;

    private static RawNode node(long id, ConfiguredStorage storage) {
        return new RawNode(TestCluster.defaults(RaftConfig.builder(id, storage,
                new SplittableRandom(id))).build());
    }

    /** Handles every pending Ready (persisting into {@code storage}); returns the messages. */
    private static List<Message> drain(RawNode node, ConfiguredStorage storage) {
        List<Message> messages = new ArrayList<>();
        while (node.hasReady()) {
            Ready ready = node.ready();
            ready.hardState().ifPresent(storage.memory::setHardState);
            storage.memory.append(ready.entries());
            messages.addAll(ready.messages());
            node.advance(ready);
        }
        return messages;
    }

    private static Message.Builder message(MessageType type, long from, long to, long term) {
        return Message.newBuilder().setType(type).setFrom(from).setTo(to).setTerm(term);
    }

    private static Entry entry(long term, long index) {
        return Entry.newBuilder().setTerm(term).setIndex(index).build();
    }

    /** Storage of a member of (1, 2, 3) whose log is 1/1, 2/2, at term 2. */
    private static ConfiguredStorage logOfTermsOneAndTwo() {
        return ConfiguredStorage.withVoters(1, 2, 3).withLog(1, 2).withHardState(2, 0, 0);
    }

    /** A 3-node member that won an election at term 1 (votes stepped in by hand). */
    private static RawNode leaderOfThree(ConfiguredStorage storage) {
        RawNode leader = node(1, storage);
        leader.campaign();
        drain(leader, storage);
        long term = leader.status().hardState().getTerm();
        leader.step(message(MessageType.MsgVoteResp, 2, 1, term).build());
        drain(leader, storage);
        assertThat(leader.status().softState().role()).isEqualTo(RaftRole.LEADER);
        return leader;
    }

    /**
     * §5.1: "If one server's current term is smaller than the other's, then it updates its current
     * term to the larger value. If a candidate or leader discovers that its term is out of date, it
     * immediately reverts to follower state."
     */
    @Test
    void everyRoleAdoptsAHigherTermAndBecomesFollower() {
        ConfiguredStorage followerStorage = ConfiguredStorage.withVoters(1, 2, 3);
        RawNode follower = node(1, followerStorage);
        follower.step(message(MessageType.MsgApp, 2, 1, 2).build());
        assertThat(follower.status().hardState().getTerm()).isEqualTo(2);
        assertThat(follower.status().softState()).isEqualTo(new SoftState(2, RaftRole.FOLLOWER));

        ConfiguredStorage candidateStorage = ConfiguredStorage.withVoters(1, 2, 3);
        RawNode candidate = node(1, candidateStorage);
        candidate.campaign();
        drain(candidate, candidateStorage);
        candidate.step(message(MessageType.MsgHeartbeat, 3, 1, 5).build());
        assertThat(candidate.status().hardState().getTerm()).isEqualTo(5);
        assertThat(candidate.status().softState()).isEqualTo(new SoftState(3, RaftRole.FOLLOWER));

        ConfiguredStorage leaderStorage = ConfiguredStorage.withVoters(1, 2, 3);
        RawNode leader = leaderOfThree(leaderStorage);
        leader.step(message(MessageType.MsgVote, 2, 1, 7).setIndex(1).setLogTerm(1).build());
        assertThat(leader.status().hardState().getTerm()).isEqualTo(7);
        assertThat(leader.status().softState().role()).isEqualTo(RaftRole.FOLLOWER);
    }

    /** §5.1: "If a server receives a request with a stale term number, it rejects the request." */
    @Test
    void followerIgnoresAppendOfStaleTerm() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3).withHardState(2, 0, 0);
        RawNode follower = node(1, storage);
        follower.step(message(MessageType.MsgApp, 2, 1, 1).addEntries(entry(1, 1)).setCommit(1)
                .build());
        assertThat(drain(follower, storage)).isEmpty();
        assertThat(storage.memory.lastIndex()).isZero();
        assertThat(follower.status().hardState().getTerm()).isEqualTo(2);
        assertThat(follower.status().softState().leader()).isZero();
    }

    /** §5.2: "When servers start up, they begin as followers." */
    @Test
    void nodesStartAsFollowers() {
        RawNode node = node(1, ConfiguredStorage.withVoters(1, 2, 3).withHardState(4, 2, 0));
        assertThat(node.status().softState()).isEqualTo(new SoftState(0, RaftRole.FOLLOWER));
        assertThat(node.status().hardState().getTerm()).isEqualTo(4);
    }

    /**
     * §5.2: "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries) to
     * all followers in order to maintain their authority."
     */
    @Test
    void leaderSendsHeartbeatsToAllFollowers() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3);
        RawNode leader = leaderOfThree(storage);
        leader.tick();
        List<Message> heartbeats = drain(leader, storage).stream()
                .filter(m -> m.getType() == MessageType.MsgHeartbeat).toList();
        assertThat(heartbeats).extracting(Message::getTo).containsExactly(2L, 3L);
        assertThat(heartbeats).allSatisfy(m -> assertThat(m.getEntriesCount()).isZero());
    }

    /**
     * §5.2: "If a follower receives no communication over a period of time called the election
     * timeout, then it assumes there is no viable leader and begins an election [...] a follower
     * increments its current term and transitions to candidate state. It then votes for itself and
     * issues RequestVote RPCs in parallel to each of the other servers."
     */
    @Test
    void followerStartsElectionAfterElectionTimeout() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3).withHardState(1, 0, 0);
        RawNode follower = node(1, storage);
        for (int i = 0; i < 2 * ELECTION_TICKS; i++) {
            follower.tick();
        }
        List<Message> requests = drain(follower, storage);
        assertThat(follower.status().softState().role()).isEqualTo(RaftRole.CANDIDATE);
        assertThat(follower.status().hardState().getTerm()).isEqualTo(2);
        assertThat(follower.status().hardState().getVote()).isEqualTo(1);
        assertThat(requests).extracting(Message::getType, Message::getTo, Message::getTerm)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MessageType.MsgVote, 2L, 2L),
                        org.assertj.core.groups.Tuple.tuple(MessageType.MsgVote, 3L, 2L));
    }

    /**
     * §5.2: "each candidate will time out and start a new election by incrementing its term and
     * initiating another round of RequestVote RPCs."
     */
    @Test
    void candidateStartsNewElectionAfterElectionTimeout() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3);
        RawNode candidate = node(1, storage);
        candidate.campaign();
        drain(candidate, storage);
        for (int i = 0; i < 2 * ELECTION_TICKS; i++) {
            candidate.tick();
        }
        List<Message> requests = drain(candidate, storage);
        assertThat(candidate.status().softState().role()).isEqualTo(RaftRole.CANDIDATE);
        assertThat(candidate.status().hardState().getTerm()).isEqualTo(2);
        assertThat(requests).extracting(Message::getType).containsOnly(MessageType.MsgVote);
        assertThat(requests).extracting(Message::getTerm).containsOnly(2L);
    }

    /**
     * §5.2: "A candidate wins an election if it receives votes from a majority of the servers in
     * the full cluster for the same term." Also: it stays candidate while undecided, and (etcd)
     * falls back to follower once a majority rejected it.
     */
    @ParameterizedTest(name = "{0} nodes, granted by {1}, rejected by {2}: {3}")
    @CsvSource({
        "1, '',      '',    LEADER",
        "3, '2',     '',    LEADER",
        "3, '',      '',    CANDIDATE",
        "3, '',      '2 3', FOLLOWER",
        "5, '2 3',   '',    LEADER",
        "5, '2',     '',    CANDIDATE",
        "5, '2',     '3 4', CANDIDATE",
        "5, '',      '2 3 4', FOLLOWER",
    })
    void candidateWinsWithVotesOfAMajority(int size, String granted, String rejected,
                                           RaftRole outcome) {
        long[] voters = new long[size];
        for (int i = 0; i < size; i++) {
            voters[i] = i + 1;
        }
        ConfiguredStorage storage = ConfiguredStorage.withVoters(voters);
        RawNode candidate = node(1, storage);
        candidate.campaign();
        drain(candidate, storage);
        for (String voter : granted.split(" ")) {
            if (!voter.isEmpty()) {
                candidate.step(message(MessageType.MsgVoteResp, Long.parseLong(voter), 1, 1)
                        .build());
            }
        }
        for (String voter : rejected.split(" ")) {
            if (!voter.isEmpty()) {
                candidate.step(message(MessageType.MsgVoteResp, Long.parseLong(voter), 1, 1)
                        .setReject(true).build());
            }
        }
        drain(candidate, storage);
        assertThat(candidate.status().softState().role()).isEqualTo(outcome);
        assertThat(candidate.status().hardState().getTerm()).isEqualTo(1);
    }

    /**
     * §5.2: "Each server will vote for at most one candidate in a given term, on a
     * first-come-first-served basis."
     */
    @Test
    void followerVotesForAtMostOneCandidatePerTerm() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3);
        RawNode voter = node(1, storage);
        voter.step(message(MessageType.MsgVote, 2, 1, 1).build());
        voter.step(message(MessageType.MsgVote, 3, 1, 1).build());
        voter.step(message(MessageType.MsgVote, 2, 1, 1).build());
        List<Message> answers = drain(voter, storage);
        assertThat(answers).extracting(Message::getTo, Message::getReject).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, false),
                org.assertj.core.groups.Tuple.tuple(3L, true),
                org.assertj.core.groups.Tuple.tuple(2L, false));
        assertThat(storage.memory.initialState().hardState().getVote()).isEqualTo(2);
    }

    /**
     * §5.2: "If the term in the RPC is at least as large as the candidate's current term, then the
     * candidate recognizes the leader as legitimate and returns to follower state."
     */
    @Test
    void candidateFollowsLeaderOfItsTerm() {
        for (MessageType fromLeader : List.of(MessageType.MsgApp, MessageType.MsgHeartbeat)) {
            ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3);
            RawNode candidate = node(1, storage);
            candidate.campaign();
            drain(candidate, storage);
            candidate.step(message(fromLeader, 2, 1, 1).build());
            assertThat(candidate.status().softState()).as("after %s", fromLeader)
                    .isEqualTo(new SoftState(2, RaftRole.FOLLOWER));
            assertThat(candidate.status().hardState().getTerm()).isEqualTo(1);
        }
    }

    /**
     * §5.2: "Raft uses randomized election timeouts to ensure that split votes are rare [...]
     * election timeouts are chosen randomly from a fixed interval (e.g., 150-300ms)." Here the
     * interval is [electionTicks, 2 * electionTicks), drawn from the configured generator.
     */
    @Test
    void electionTimeoutIsRandomizedWithinOneToTwoElectionTimeouts() {
        TreeSet<Integer> seen = new TreeSet<>();
        for (long seed = 0; seed < 500; seed++) {
            ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3);
            RawNode follower = new RawNode(TestCluster.defaults(RaftConfig.builder(1, storage,
                    new SplittableRandom(seed))).build());
            int ticks = 0;
            while (follower.status().softState().role() == RaftRole.FOLLOWER) {
                follower.tick();
                ticks++;
                assertThat(ticks).as("seed %d", seed).isLessThan(2 * ELECTION_TICKS);
            }
            seen.add(ticks);
        }
        assertThat(seen.first()).isEqualTo(ELECTION_TICKS);
        assertThat(seen.last()).isEqualTo(2 * ELECTION_TICKS - 1);
        assertThat(seen).hasSize(ELECTION_TICKS);
    }

    /**
     * §5.3: "The leader appends the command to its log as a new entry, then issues AppendEntries
     * RPCs in parallel to each of the other servers to replicate the entry."
     */
    @Test
    void leaderAppendsProposalAndReplicatesItToEveryFollower() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3);
        RawNode leader = leaderOfThree(storage);
        leader.step(message(MessageType.MsgAppResp, 2, 1, 1).setIndex(1).build());
        leader.step(message(MessageType.MsgAppResp, 3, 1, 1).setIndex(1).build());
        drain(leader, storage);
        leader.propose(ByteString.copyFromUtf8("cmd"));
        List<Message> appends = drain(leader, storage);
        assertThat(storage.memory.lastIndex()).isEqualTo(2);
        assertThat(storage.memory.entries(2, 3, Long.MAX_VALUE).get(0).getData().toStringUtf8())
                .isEqualTo("cmd");
        assertThat(appends).extracting(Message::getTo).containsExactly(2L, 3L);
        assertThat(appends).allSatisfy(append -> {
            assertThat(append.getType()).isEqualTo(MessageType.MsgApp);
            assertThat(append.getIndex()).isEqualTo(1);
            assertThat(append.getLogTerm()).isEqualTo(1);
            assertThat(append.getEntriesList()).extracting(Entry::getIndex).containsExactly(2L);
        });
    }

    /**
     * §5.3: "A log entry is committed once the leader that created the entry has replicated it on
     * a majority of the servers."
     */
    @Test
    void entryCommitsOnceReplicatedOnAMajority() {
        for (int reachable = 0; reachable <= 4; reachable++) {
            TestCluster cluster = TestCluster.of(5, UnaryOperator.identity());
            cluster.campaign(1);
            long committedBefore = cluster.member(1).commit();
            for (long id = 2 + reachable; id <= 5; id++) {
                cluster.isolate(id);
            }
            cluster.propose(1, "x");
            boolean majority = 1 + reachable >= 3;
            assertThat(cluster.member(1).commit()).as("%d followers reachable", reachable)
                    .isEqualTo(majority ? committedBefore + 1 : committedBefore);
        }
    }

    /**
     * §5.3: "This also commits all preceding entries in the leader's log, including entries
     * created by previous leaders."
     */
    @Test
    void committingAnEntryCommitsEntriesOfPreviousLeaders() {
        TestCluster cluster = new TestCluster();
        for (long id = 1; id <= 3; id++) {
            cluster.add(id, ConfiguredStorage.withVoters(1, 2, 3).withLog(1, 2, 2)
                    .withHardState(2, 0, 0), UnaryOperator.identity());
        }
        cluster.campaign(1);
        assertThat(cluster.member(1).log()).containsExactly("1/1", "2/2", "2/3", "3/4");
        assertThat(cluster.member(1).commit()).isEqualTo(4);
        assertThat(cluster.member(2).applied).extracting(Entry::getIndex)
                .containsExactly(1L, 2L, 3L, 4L);
    }

    /**
     * §5.3: "Once a follower learns that a log entry is committed, it applies the entry to its
     * local state machine (in log order)."
     */
    @Test
    void followerAppliesCommittedEntriesInLogOrder() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3);
        RawNode follower = node(2, storage);
        List<Entry> entries = List.of(entry(1, 1), entry(1, 2), entry(1, 3));
        follower.step(message(MessageType.MsgApp, 1, 2, 1).addAllEntries(entries).setCommit(2)
                .build());
        Ready ready = follower.ready();
        assertThat(ready.committedEntries()).extracting(Entry::getIndex).containsExactly(1L, 2L);
        storage.memory.append(ready.entries());
        follower.advance(ready);
        follower.step(message(MessageType.MsgHeartbeat, 1, 2, 1).setCommit(3).build());
        assertThat(follower.ready().committedEntries()).extracting(Entry::getIndex)
                .containsExactly(3L);
    }

    /**
     * §5.3: "When sending an AppendEntries RPC, the leader includes the index and term of the
     * entry in its log that immediately precedes the new entries. If the follower does not find
     * an entry in its log with the same index and term, then it refuses the new entries."
     */
    @ParameterizedTest(name = "previous entry {0}/{1}: accepted {2}")
    @CsvSource({"0, 0, true", "1, 1, true", "2, 2, true", "1, 2, false", "3, 3, false"})
    void followerRefusesAppendWhosePreviousEntryItLacks(long prevTerm, long prevIndex,
                                                        boolean accepted) {
        ConfiguredStorage storage = logOfTermsOneAndTwo();
        RawNode follower = node(2, storage);
        long term = Math.max(2, prevTerm);
        follower.step(message(MessageType.MsgApp, 1, 2, term).setLogTerm(prevTerm)
                .setIndex(prevIndex).addEntries(entry(term, prevIndex + 1)).build());
        Message answer = drain(follower, storage).get(0);
        assertThat(answer.getType()).isEqualTo(MessageType.MsgAppResp);
        assertThat(answer.getReject()).isEqualTo(!accepted);
        if (accepted) {
            assertThat(answer.getIndex()).isEqualTo(prevIndex + 1);
        }
    }

    /**
     * §5.3: "If an existing entry conflicts with a new one (same index but different terms),
     * delete the existing entry and all that follow it; append any new entries not already in the
     * log."
     */
    @ParameterizedTest(name = "append after {0}/{1} of terms {2}: log {3}")
    @CsvSource({
        "2, 2, '3',     '1/1 2/2 3/3'",
        "1, 1, '3 4',   '1/1 3/2 4/3'",
        "0, 0, '1',     '1/1 2/2'",
        "0, 0, '3',     '3/1'",
        "1, 1, '2',     '1/1 2/2'",
    })
    void followerDeletesConflictingEntriesAndAppendsNewOnes(long prevTerm, long prevIndex,
                                                            String terms, String expected) {
        ConfiguredStorage storage = logOfTermsOneAndTwo();
        RawNode follower = node(2, storage);
        Message.Builder append = message(MessageType.MsgApp, 1, 2, 4).setLogTerm(prevTerm)
                .setIndex(prevIndex);
        long index = prevIndex;
        for (String term : terms.split(" ")) {
            append.addEntries(entry(Long.parseLong(term), ++index));
        }
        follower.step(append.build());
        drain(follower, storage);
        TestCluster.Member view = new TestCluster.Member(2, follower, storage);
        assertThat(String.join(" ", view.log())).isEqualTo(expected);
    }

    /**
     * §5.3 and Figure 7: "the leader handles inconsistencies by forcing the followers' logs to
     * duplicate its own": whatever a follower's log (missing entries, extra uncommitted ones, or
     * both), after replication it equals the leader's.
     */
    @ParameterizedTest(name = "Figure 7 ({0})")
    @CsvSource({
        "a, '1 1 1 4 4 5 5 6 6'",
        "b, '1 1 1 4'",
        "c, '1 1 1 4 4 5 5 6 6 6 6'",
        "d, '1 1 1 4 4 5 5 6 6 6 7 7'",
        "e, '1 1 1 4 4 4 4'",
        "f, '1 1 1 2 2 2 3 3 3 3 3'",
    })
    void leaderBringsEveryFollowerLogInLineWithItsOwn(String figure, String followerTerms) {
        long[] terms = java.util.Arrays.stream(followerTerms.split(" "))
                .mapToLong(Long::parseLong).toArray();
        TestCluster cluster = new TestCluster();
        cluster.add(1, ConfiguredStorage.withVoters(1, 2, 3).withLog(1, 1, 1, 4, 4, 5, 5, 6, 6, 6)
                .withHardState(7, 0, 0), UnaryOperator.identity());
        cluster.add(2, ConfiguredStorage.withVoters(1, 2, 3).withLog(terms)
                .withHardState(7, 0, 0), UnaryOperator.identity());
        cluster.add(3, ConfiguredStorage.withVoters(1, 2, 3).withHardState(7, 0, 0),
                UnaryOperator.identity());
        cluster.campaign(1);
        assertThat(cluster.member(1).role()).isEqualTo(RaftRole.LEADER);
        assertThat(cluster.member(1).term()).isEqualTo(8);
        assertThat(cluster.member(2).log()).as("follower (%s)", figure)
                .isEqualTo(cluster.member(1).log());
        assertThat(cluster.member(1).log()).hasSize(11).last().isEqualTo("8/11");
    }

    /**
     * §5.4.1: "The RequestVote RPC implements this restriction: the RPC includes information about
     * the candidate's log, and the voter denies its vote if its own log is more up-to-date than
     * that of the candidate."
     */
    @Test
    void voteRequestCarriesTheCandidatesLastEntry() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1, 2, 3).withLog(1, 1, 3)
                .withHardState(3, 0, 0);
        RawNode candidate = node(1, storage);
        candidate.campaign();
        List<Message> requests = drain(candidate, storage);
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.getIndex()).isEqualTo(3);
            assertThat(request.getLogTerm()).isEqualTo(3);
            assertThat(request.getTerm()).isEqualTo(4);
        });
    }

    /**
     * §5.4.1: "If the logs have last entries with different terms, then the log with the later
     * term is more up-to-date. If the logs end with the same term, then whichever log is longer is
     * more up-to-date." The voter's log ends at 2/2.
     */
    @ParameterizedTest(name = "candidate ends at {0}/{1}: granted {2}")
    @CsvSource({
        "2, 2, true", "2, 3, true", "3, 1, true", "3, 2, true",
        "2, 1, false", "1, 3, false", "0, 0, false",
    })
    void voterDeniesCandidateWhoseLogIsLessUpToDate(long lastTerm, long lastIndex,
                                                    boolean granted) {
        ConfiguredStorage storage = logOfTermsOneAndTwo();
        RawNode voter = node(1, storage);
        voter.step(message(MessageType.MsgVote, 2, 1, 3).setLogTerm(lastTerm).setIndex(lastIndex)
                .build());
        Message answer = drain(voter, storage).get(0);
        assertThat(answer.getType()).isEqualTo(MessageType.MsgVoteResp);
        assertThat(answer.getReject()).isEqualTo(!granted);
    }

    /**
     * §5.4.2: "Raft never commits log entries from previous terms by counting replicas. Only log
     * entries from the leader's current term are committed by counting replicas; once an entry
     * from the current term has been committed in this way, then all prior entries are committed
     * indirectly because of the Log Matching Property."
     */
    @Test
    void leaderCommitsOnlyEntriesOfItsOwnTermByCounting() {
        ConfiguredStorage storage = logOfTermsOneAndTwo();
        RawNode leader = node(1, storage);
        leader.campaign();
        drain(leader, storage);
        leader.step(message(MessageType.MsgVoteResp, 2, 1, 3).build());
        drain(leader, storage);
        assertThat(storage.memory.lastIndex()).isEqualTo(3);
        // A majority (1 and 2) holds the entry of term 2 at index 2: not enough.
        leader.step(message(MessageType.MsgAppResp, 2, 1, 3).setIndex(2).build());
        drain(leader, storage);
        assertThat(leader.status().hardState().getCommit()).isZero();
        // Once the majority holds the entry of term 3, it and everything before it commit.
        leader.step(message(MessageType.MsgAppResp, 2, 1, 3).setIndex(3).build());
        drain(leader, storage);
        assertThat(leader.status().hardState().getCommit()).isEqualTo(3);
    }

    /**
     * §5.4.2, Figure 8: an entry of an older term stored on a majority may still be overwritten,
     * so the leader must not count it as committed. S1 leads and stores x on S1 and S2 only; S5
     * leads the next term alone; S1 restarts, leads a later term and brings x to S3, a majority,
     * without a majority holding an entry of its own term. x is not committed, and indeed S5 then
     * wins again and overwrites it.
     */
    @Test
    void olderTermEntryOnAMajorityIsNotCommittedAndMayBeOverwritten() {
        // One entry per message, so S1 can bring x to S3 without its entry of the new term.
        TestCluster cluster = TestCluster.of(5, config -> config.msgBytesMax(0));
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.isolate(4);
        cluster.isolate(5);
        cluster.propose(1, "x");
        long xIndex = 2;
        String x = cluster.member(1).term() + "/" + xIndex;
        assertThat(cluster.member(2).log()).containsExactly("1/1", x);

        cluster.heal();
        cluster.isolate(1);
        cluster.isolate(2);
        cluster.dropIf(m -> m.getFrom() == 5 && m.getType() == MessageType.MsgApp);
        cluster.elect(5);
        assertThat(cluster.member(5).log()).containsExactly("1/1", "2/2");

        cluster.heal();
        cluster.isolate(4);
        cluster.isolate(5);
        cluster.restart(1);
        // S3 sees S1's first probe (and rejects it, lacking x); every later append to S3 of an
        // entry beyond x is lost.
        boolean[] probed = {false};
        cluster.dropIf(m -> m.getTo() == 3 && m.getType() == MessageType.MsgApp
                && m.getEntriesList().stream().anyMatch(e -> e.getIndex() > xIndex)
                && !(m.getIndex() == xIndex && !probed[0] && (probed[0] = true)));
        cluster.elect(1);
        assertThat(cluster.member(1).role()).isEqualTo(RaftRole.LEADER);
        assertThat(cluster.member(3).log()).containsExactly("1/1", x);
        assertThat(cluster.member(1).commit()).as("x must not count as committed")
                .isEqualTo(xIndex - 1);

        cluster.heal();
        cluster.isolate(1);
        cluster.restart(5);
        cluster.elect(5);
        assertThat(cluster.member(5).role()).isEqualTo(RaftRole.LEADER);
        for (long id = 2; id <= 5; id++) {
            assertThat(cluster.member(id).log()).as("node %d", id).doesNotContain(x);
            assertThat(cluster.member(id).applied).extracting(e -> e.getData().toStringUtf8())
                    .doesNotContain("x");
        }
    }
}
