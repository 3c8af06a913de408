package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.MemberRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The check a committed conf change passes before it is applied (etcd's {@code
 * ValidateConfigurationChange}), on a membership kept in a real store: each of etcd's refusals,
 * and the changes it lets through.
 */
class MembershipRefusalTest {

    private static final long VOTER = 0x10;
    private static final long LEARNER = 0x20;
    private static final String VOTER_URL = "http://127.0.0.1:2380";
    private static final String LEARNER_URL = "http://127.0.0.1:2381";

    @TempDir
    Path dir;

    private MvccStore store;
    private Membership membership;
    private long index;

    @BeforeEach
    void twoMembers() throws Exception {
        store = MvccStore.open(dir.resolve("db"));
        try (ReadView view = store.view()) {
            membership = Membership.load(view);
        }
        apply(change(ConfChangeType.CONF_CHANGE_ADD_NODE, member(VOTER, VOTER_URL)));
        apply(change(ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE, member(LEARNER, LEARNER_URL)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void addingAnExistingIdOrATakenPeerUrlIsRefused() throws Exception {
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_ADD_NODE,
                member(VOTER, "http://127.0.0.1:9")))).contains(Reason.MEMBER_EXIST);
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_ADD_NODE,
                member(0x30, LEARNER_URL)))).contains(Reason.PEER_URL_EXIST);
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE,
                member(0x30, "http://127.0.0.1:9")))).contains(Reason.TOO_MANY_LEARNERS);
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_ADD_NODE,
                member(0x30, "http://127.0.0.1:9")))).isEmpty();
    }

    @Test
    void aRemovedMemberCannotBeRemovedUpdatedOrAddedAgain() throws Exception {
        ConfChange remove = change(ConfChangeType.CONF_CHANGE_REMOVE_NODE, member(LEARNER, ""));
        assertThat(refusal(remove)).isEmpty();
        apply(remove);
        assertThat(refusal(remove)).contains(Reason.MEMBER_NOT_FOUND);
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_UPDATE_NODE,
                member(LEARNER, "http://127.0.0.1:9")))).contains(Reason.MEMBER_NOT_FOUND);
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE,
                member(LEARNER, "http://127.0.0.1:9")))).contains(Reason.MEMBER_NOT_FOUND);
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_REMOVE_NODE, member(0x99, ""))))
                .contains(Reason.MEMBER_NOT_FOUND);
    }

    @Test
    void anUpdateMayNotTakeAnotherMembersPeerUrl() throws Exception {
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_UPDATE_NODE,
                member(VOTER, LEARNER_URL)))).contains(Reason.PEER_URL_EXIST);
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_UPDATE_NODE,
                member(VOTER, VOTER_URL, "http://127.0.0.1:9")))).isEmpty();
    }

    @Test
    void onlyALearnerIsPromotedAndOnlyOnce() throws Exception {
        ConfChange promote = change(ConfChangeType.CONF_CHANGE_ADD_NODE,
                member(LEARNER, LEARNER_URL).toBuilder().setIsPromote(true).build());
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_ADD_NODE,
                member(VOTER, VOTER_URL).toBuilder().setIsPromote(true).build())))
                .contains(Reason.MEMBER_NOT_LEARNER);
        assertThat(refusal(promote)).isEmpty();
        apply(promote);
        assertThat(membership.member(LEARNER).getIsLearner()).isFalse();
        assertThat(membership.member(LEARNER).getIsPromote()).as("never stored").isFalse();
        assertThat(refusal(promote)).contains(Reason.MEMBER_NOT_LEARNER);
        assertThat(refusal(change(ConfChangeType.CONF_CHANGE_ADD_NODE,
                member(0x99, "http://127.0.0.1:9").toBuilder().setIsPromote(true).build())))
                .contains(Reason.MEMBER_NOT_FOUND);
    }

    private Optional<Reason> refusal(ConfChange change) throws Exception {
        return membership.refusal(change);
    }

    private void apply(ConfChange change) throws Exception {
        try (ApplyBatch batch = store.beginBatch(lease -> false)) {
            membership.apply(batch, change);
            batch.commit(++index, 1);
        }
    }

    private static MemberRecord member(long id, String... peerUrls) {
        return MemberRecord.newBuilder().setId(id)
                .addAllPeerUrls(List.of(peerUrls).stream().filter(u -> !u.isEmpty()).toList())
                .build();
    }

    private static ConfChange change(ConfChangeType type, MemberRecord member) {
        return ConfChange.newBuilder().setType(type).setNodeId(member.getId())
                .setContext(member.toByteString()).build();
    }
}
