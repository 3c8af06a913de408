package io.etcetera.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.ReadView;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.server.pb.MemberRecord;
import io.etcetera.server.pb.MemberAttributes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cluster's members as the applied log defines them (etcd's {@code RaftCluster}): added and
 * removed by committed conf changes, whose context carries the {@link MemberRecord}, and given
 * their name and client URLs by each member's published attributes. Kept in the store's records, so it
 * is exactly as durable as the applied index that covers it.
 *
 * <p>Written by the apply thread inside an apply batch; read by any thread through an immutable
 * list, sorted by ID, replaced on each change.
 */
final class Membership {

    private static final Comparator<MemberRecord> BY_ID =
            (a, b) -> Long.compareUnsigned(a.getId(), b.getId());

    private volatile List<MemberRecord> members;

    private Membership(List<MemberRecord> members) {
        this.members = members;
    }

    /** The members stored in {@code view}. */
    static Membership load(ReadView view) throws InvalidProtocolBufferException {
        List<MemberRecord> members = new ArrayList<>();
        for (ByteString value : view.records(RecordKeys.MEMBER_PREFIX).values()) {
            members.add(MemberRecord.parseFrom(value));
        }
        members.sort(BY_ID);
        return new Membership(List.copyOf(members));
    }

    /** Every member, sorted by ID. */
    List<MemberRecord> members() {
        return members;
    }

    /** Applies a committed single-member conf change. */
    void apply(ApplyBatch batch, ConfChange change) throws InvalidProtocolBufferException {
        if (change.getType() == ConfChangeType.CONF_CHANGE_REMOVE_NODE) {
            batch.deleteRecord(RecordKeys.member(change.getNodeId()));
            replace(change.getNodeId(), null);
            return;
        }
        MemberRecord added = MemberRecord.parseFrom(change.getContext());
        MemberRecord existing = find(change.getNodeId());
        MemberRecord member = added.toBuilder().setId(change.getNodeId())
                .setIsLearner(change.getType() == ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE)
                .build();
        if (existing != null) {
            member = member.toBuilder().setName(existing.getName())
                    .clearClientUrls().addAllClientUrls(existing.getClientUrlsList()).build();
        }
        store(batch, member);
    }

    /** Applies a member's published name and client URLs; unknown members are ignored. */
    void apply(ApplyBatch batch, MemberAttributes attributes) {
        MemberRecord existing = find(attributes.getMemberId());
        if (existing == null) {
            return;
        }
        store(batch, existing.toBuilder().setName(attributes.getName()).clearClientUrls()
                .addAllClientUrls(attributes.getClientUrlsList()).build());
    }

    private void store(ApplyBatch batch, MemberRecord member) {
        batch.putRecord(RecordKeys.member(member.getId()), member.toByteArray());
        replace(member.getId(), member);
    }

    private MemberRecord find(long id) {
        for (MemberRecord member : members) {
            if (member.getId() == id) {
                return member;
            }
        }
        return null;
    }

    /** Replaces (or removes, when {@code member} is null) member {@code id}. */
    private void replace(long id, MemberRecord member) {
        List<MemberRecord> next = new ArrayList<>(members);
        next.removeIf(m -> m.getId() == id);
        if (member != null) {
            next.add(member);
            next.sort(BY_ID);
        }
        members = List.copyOf(next);
    }
}
