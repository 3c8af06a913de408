package io.etcetera.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.pb.Snapshot;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The caller-facing contract of {@link RawNode}. */
class RawNodeTest {

    private static RaftConfig.Builder config(long id, Storage storage) {
        return TestCluster.defaults(RaftConfig.builder(id, storage, new SplittableRandom(id)));
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    @Test
    void bootstrapCommitsOneConfChangePerPeerAtTermOne() {
        MemoryStorage storage = new MemoryStorage();
        RawNode node = new RawNode(config(1, storage).build());
        node.bootstrap(List.of(new Peer(1, bytes("one")), new Peer(2, bytes("two"))));
        Ready ready = node.ready();
        assertThat(ready.hardState()).hasValueSatisfying(hard -> {
            assertThat(hard.getTerm()).isEqualTo(1);
            assertThat(hard.getCommit()).isEqualTo(2);
        });
        assertThat(ready.entries()).extracting(Entry::getType, Entry::getIndex).containsExactly(
                org.assertj.core.groups.Tuple.tuple(EntryType.ENTRY_CONF_CHANGE, 1L),
                org.assertj.core.groups.Tuple.tuple(EntryType.ENTRY_CONF_CHANGE, 2L));
        assertThat(ready.committedEntries()).isEqualTo(ready.entries());
        assertThat(ready.mustSync()).isTrue();
        assertThat(node.status().config().voters().ids().ids()).containsExactly(1L, 2L);
        storage.append(ready.entries());
        node.advance(ready);
        assertThatThrownBy(() -> node.bootstrap(List.of(new Peer(3, ByteString.EMPTY))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void nothingButStatusAndApplyConfChangeBetweenReadyAndAdvance() {
        MemoryStorage storage = new MemoryStorage();
        RawNode node = new RawNode(config(1, storage).build());
        node.bootstrap(List.of(new Peer(1, ByteString.EMPTY)));
        Ready ready = node.ready();
        assertThatThrownBy(node::tick).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tick() between ready() and advance()");
        assertThatThrownBy(() -> node.propose(bytes("x")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(node::ready).isInstanceOf(IllegalStateException.class);
        assertThat(node.status().id()).isEqualTo(1);
        storage.append(ready.entries());
        node.advance(ready);
        assertThatThrownBy(() -> node.advance(ready)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void messagesFromTheNetworkOfLocalKindsOrFromStrangersAreRejected() {
        RawNode node = new RawNode(config(1, ConfiguredStorage.withVoters(1, 2)).build());
        assertThatThrownBy(() -> node.step(Message.newBuilder().setType(MessageType.MsgHup)
                .setFrom(2).build())).isInstanceOf(MessageRejectedException.class);
        assertThatThrownBy(() -> node.step(Message.newBuilder()
                .setType(MessageType.MsgAppResp).setFrom(9).setTerm(1).build()))
                .isInstanceOf(MessageRejectedException.class)
                .hasMessageContaining("not a member");
    }

    @Test
    void proposalsAreDroppedWithAReasonTheServerCanMap() {
        RawNode follower = new RawNode(config(1, ConfiguredStorage.withVoters(1, 2, 3)).build());
        assertThatThrownBy(() -> follower.propose(bytes("x")))
                .isInstanceOfSatisfying(ProposalDroppedException.class, dropped ->
                        assertThat(dropped.reason())
                                .isEqualTo(ProposalDroppedException.Reason.NO_LEADER));
        assertThatThrownBy(() -> follower.readIndex(bytes("r")))
                .isInstanceOf(ProposalDroppedException.class);
    }

    @Test
    void leaderDropsProposalsBeyondTheUncommittedByteLimit() {
        TestCluster cluster = TestCluster.of(3, config -> config.uncommittedBytesMax(10));
        cluster.campaign(1);
        cluster.isolate(2);
        cluster.isolate(3);
        RawNode leader = cluster.member(1).node;
        leader.propose(bytes("12345678"));
        leader.propose(bytes("9"));
        assertThatThrownBy(() -> leader.propose(bytes("overflow")))
                .isInstanceOfSatisfying(ProposalDroppedException.class, dropped ->
                        assertThat(dropped.reason()).isEqualTo(
                                ProposalDroppedException.Reason.UNCOMMITTED_BYTES_MAX));
        cluster.heal();
        cluster.stabilize();
        leader.propose(bytes("overflow"));
        cluster.stabilize();
        assertThat(cluster.member(3).applied).extracting(e -> e.getData().toStringUtf8())
                .containsSubsequence("12345678", "9", "overflow");
    }

    @Test
    void proposeAllAppendsTheBatchWithOneAppendPerFollowerAndCommitsItInOrder() {
        TestCluster cluster = TestCluster.of(3, config -> config);
        cluster.campaign(1);
        RawNode leader = cluster.member(1).node;
        leader.proposeAll(List.of(bytes("a"), bytes("b"), bytes("c")));
        List<Message> sent = TestCluster.handleReady(cluster.member(1));
        assertThat(sent).filteredOn(m -> m.getType() == MessageType.MsgApp)
                .extracting(Message::getTo).containsExactlyInAnyOrder(2L, 3L);
        assertThat(sent).filteredOn(m -> m.getType() == MessageType.MsgApp)
                .allSatisfy(m -> assertThat(m.getEntriesList())
                        .extracting(e -> e.getData().toStringUtf8())
                        .containsExactly("a", "b", "c"));
        for (Message message : sent) {
            cluster.member(message.getTo()).node.step(message);
        }
        cluster.stabilize();
        assertThat(cluster.member(3).applied).extracting(e -> e.getData().toStringUtf8())
                .containsSubsequence("a", "b", "c");
    }

    @Test
    void leaderRemovedWithoutStepDownLeadsOnButTakesNoProposals() {
        TestCluster cluster = TestCluster.of(3, config -> config.stepDownOnRemoval(false));
        cluster.campaign(1);
        cluster.member(1).node.proposeConfChange(ConfChange.newBuilder()
                .setType(ConfChangeType.CONF_CHANGE_REMOVE_NODE).setNodeId(1).build());
        cluster.stabilize();
        assertThat(cluster.member(1).role()).isEqualTo(RaftRole.LEADER);
        assertThatThrownBy(() -> cluster.member(1).node.propose(bytes("x")))
                .isInstanceOfSatisfying(ProposalDroppedException.class, dropped ->
                        assertThat(dropped.reason())
                                .isEqualTo(ProposalDroppedException.Reason.NOT_A_MEMBER));
    }

    @Test
    void restartRestoresTermVoteCommitAndSkipsWhatWasApplied() {
        TestCluster cluster = TestCluster.of(3, config -> config);
        cluster.campaign(1);
        cluster.propose(1, "a");
        cluster.propose(1, "b");
        TestCluster.Member follower = cluster.member(2);
        long term = follower.term();
        long commit = follower.commit();
        RawNode restarted = new RawNode(config(2, follower.storage)
                .applied(follower.appliedIndex).build());
        assertThat(restarted.status().hardState().getTerm()).isEqualTo(term);
        assertThat(restarted.status().hardState().getCommit()).isEqualTo(commit);
        assertThat(restarted.status().applied()).isEqualTo(follower.appliedIndex);
        assertThat(restarted.hasReady()).as("nothing to apply again").isFalse();
        RawNode fromScratch = new RawNode(config(2, follower.storage).build());
        assertThat(fromScratch.ready().committedEntries()).as("applied 0: everything again")
                .hasSize((int) commit);
    }

    @Test
    void mustSyncOnlyForEntriesTermOrVote() {
        TestCluster cluster = TestCluster.of(3, config -> config);
        cluster.campaign(1);
        RawNode leader = cluster.member(1).node;
        leader.tick();
        Ready heartbeat = leader.ready();
        assertThat(heartbeat.mustSync()).isFalse();
        assertThat(heartbeat.messages()).extracting(Message::getType)
                .containsOnly(MessageType.MsgHeartbeat);
        leader.advance(heartbeat);
        leader.propose(bytes("x"));
        Ready append = leader.ready();
        assertThat(append.mustSync()).isTrue();
        assertThat(append.softState()).isEmpty();
        assertThat(append.hardState()).isEmpty();
    }

    @Test
    void committedEntriesAreHandedOutInBatchesOfTheApplyBudget() {
        ConfiguredStorage storage = ConfiguredStorage.withVoters(1);
        RawNode node = new RawNode(config(1, storage).committedEntriesBytesMax(1).build());
        node.campaign();
        for (int round = 0; round < 3; round++) {
            Ready ready = node.ready();
            storage.memory.append(ready.entries());
            node.advance(ready);
        }
        node.propose(bytes("a"));
        node.propose(bytes("b"));
        int batches = 0;
        while (node.hasReady()) {
            Ready ready = node.ready();
            storage.memory.append(ready.entries());
            assertThat(ready.committedEntries().size()).isLessThanOrEqualTo(1);
            batches += ready.committedEntries().isEmpty() ? 0 : 1;
            node.advance(ready);
        }
        assertThat(batches).as("a and b, one per Ready").isEqualTo(2);
        assertThat(node.status().applied()).isEqualTo(3);
    }

    @Test
    void statusReportsProgressOnTheLeaderOnly() {
        TestCluster cluster = TestCluster.of(3, config -> config);
        cluster.campaign(1);
        Status leader = cluster.member(1).status();
        assertThat(leader.softState()).isEqualTo(new SoftState(1, RaftRole.LEADER));
        assertThat(leader.progress().ids()).containsExactly(1L, 2L, 3L);
        assertThat(leader.progress().get(2).match()).isEqualTo(1);
        assertThat(cluster.member(2).status().progress().size()).isZero();
        leader.progress().get(2).becomeProbe();
        assertThat(cluster.member(1).status().progress().get(2).state().toString())
                .as("status is a copy").isEqualTo("StateReplicate");
    }

    @Test
    void leaderRetriesASnapshotThatIsTemporarilyUnavailable() {
        boolean[] available = {false};
        TestCluster cluster = new TestCluster();
        for (long id = 1; id <= 3; id++) {
            cluster.add(id, ConfiguredStorage.withVoters(1, 2, 3), config -> config);
        }
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.propose(1, "a");
        TestCluster.Member leader = cluster.member(1);
        MemoryStorage memory = leader.storage.memory;
        memory.createSnapshot(2, ConfState.newBuilder().addAllVoters(List.of(1L, 2L, 3L)).build(),
                ByteString.EMPTY);
        memory.compact(2);
        Storage flaky = new ConfiguredStorage(leader.storage) {
            @Override
            public Snapshot snapshot() {
                if (!available[0]) {
                    throw new SnapshotTemporarilyUnavailableException("building");
                }
                return super.snapshot();
            }
        };
        leader.node = new RawNode(config(1, flaky).applied(2).build());
        cluster.heal();
        cluster.elect(1);
        cluster.tick(1, 1);
        assertThat(cluster.member(3).log()).as("stuck below the compacted log")
                .containsExactly("1/1");
        available[0] = true;
        cluster.tick(1, 1);
        assertThat(cluster.member(3).storage.memory.snapshot().getMetadata().getIndex())
                .isEqualTo(2);
    }
}
