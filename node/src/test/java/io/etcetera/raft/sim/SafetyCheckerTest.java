package io.etcetera.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcetera.raft.RaftRole;
import io.etcetera.raft.ReadState;
import io.etcetera.raft.Ready;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker catches what it claims to: each test runs a healthy 3-node cluster, then hands the
 * checker one forged observation that breaks a property, which must fail with that property's
 * name. A checker that never fires would let every seed pass.
 */
class SafetyCheckerTest {

    private SimCluster cluster;
    private SafetyChecker checker;

    @BeforeEach
    void runAHealthyCluster() {
        Scenario t = Scenario.cluster(SimOptions.calm(3), "SafetyCheckerTest");
        t.electLeader(1);
        t.write("a", "b").awaitConverged();
        cluster = t.simulation();
        checker = cluster.checker();
    }

    @Test
    void stateMachineSafetyFailsWhenANodeAppliesADifferentEntryAtAnAppliedIndex() {
        SimNode follower = cluster.node(2);
        Entry applied = follower.log.entry(follower.appliedIndex());
        Entry forged = applied.toBuilder().setData(ByteString.copyFromUtf8("forged")).build();

        assertThatThrownBy(() -> checker.onCommittedEntry(follower, forged))
                .isInstanceOf(AssertionError.class).hasMessageContaining("state machine safety");
    }

    @Test
    void logMatchingFailsWhenTwoLogsHoldDifferentEntriesWithTheSameIndexAndTerm() {
        SimNode follower = cluster.node(2);
        Entry last = follower.log.entry(follower.log.lastIndex());
        Entry forged = last.toBuilder().setData(ByteString.copyFromUtf8("forged")).build();

        assertThatThrownBy(() -> checker.onReady(follower, readyWithEntries(forged)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("log matching");
    }

    @Test
    void leaderCompletenessFailsWhenALeaderLacksAnEntryCommittedBeforeItsTerm() {
        SimNode leader = cluster.node(1);
        assertThat(leader.role()).isEqualTo(RaftRole.LEADER);
        long term = leader.status().hardState().getTerm();
        // The bootstrap entries were committed in term 1, before this leader's term.
        Entry bootstrap = leader.log.entry(3);
        assertThat(bootstrap.getTerm()).isLessThan(term);
        Entry forged = Entry.newBuilder().setIndex(3).setTerm(term)
                .setType(EntryType.ENTRY_NORMAL).build();

        assertThatThrownBy(() -> checker.onReady(leader, readyWithEntries(forged)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("leader completeness");
    }

    @Test
    void readIndexFailsWhenAnAnswerIsBelowTheCommitIndexWhenTheReadWasMade() {
        ByteString context = ByteString.copyFromUtf8("read");
        checker.onReadStart(context);
        ReadState stale = new ReadState(checker.globalCommit() - 1, context);

        assertThatThrownBy(() -> checker.onReadState(cluster.node(1), stale))
                .isInstanceOf(AssertionError.class).hasMessageContaining("linearizability");
    }

    @Test
    void aReadAnsweredAtTheCommitIndexPasses() {
        ByteString context = ByteString.copyFromUtf8("read");
        checker.onReadStart(context);
        checker.onReadState(cluster.node(1), new ReadState(checker.globalCommit(), context));

        assertThat(checker.readsAnswered()).isEqualTo(1);
    }

    private static Ready readyWithEntries(Entry... entries) {
        return new Ready(Optional.empty(), Optional.empty(), List.of(), List.of(entries),
                Optional.empty(), List.of(), List.of(), true);
    }
}
