package io.etcetera.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.ReadView;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.MemberRecord;
import io.etcetera.server.pb.MemberAttributes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cluster's members as the applied log defines them (etcd's {@code RaftCluster}): added and
 * removed by committed conf changes, whose context carries the {@link MemberRecord}, and given
 * their name and client URLs by each member's published attributes. Kept in the store's records, so it
 * is exactly as durable as the applied index that covers it. The IDs of removed members are kept
 * too (etcd's {@code members_removed}): they may never come back, and their peer calls are refused.
 *
 * <p>A committed conf change is checked again before it is applied ({@link #refusal}, etcd's
 * {@code ValidateConfigurationChange}): the checks made when it was proposed read a membership
 * that later changes could overtake (two MemberAdds with one peer URL proposed at once, a remove
 * of a member already removed). Every member applies the same log to the same membership, so
 * every member refuses the same changes.
 *
 * <p>Written by the apply thread inside an apply batch (or when a leader's snapshot replaced the
 * store, {@link #reload}); read by any thread through an immutable list, sorted by ID, replaced on
 * each change. The change listener runs on the apply thread after each change.
 */
final class Membership {

    private static final Comparator<MemberRecord> BY_ID =
            (a, b) -> Long.compareUnsigned(a.getId(), b.getId());

    private volatile List<MemberRecord> members;
    private volatile Set<Long> removedIds;
    /** Told of the members after every change (the peer transport follows them). */
    private volatile Consumer<List<MemberRecord>> listener = members -> { };

    private Membership(List<MemberRecord> members, Set<Long> removedIds) {
        this.members = members;
        this.removedIds = removedIds;
    }

    /** The members stored in {@code view}. */
    static Membership load(ReadView view) throws InvalidProtocolBufferException {
        Membership loaded = new Membership(List.of(), Set.of());
        loaded.reload(view);
        return loaded;
    }

    /** Reads the members again from {@code view}: a leader's snapshot replaced the store. */
    void reload(ReadView view) throws InvalidProtocolBufferException {
        List<MemberRecord> loaded = new ArrayList<>();
        for (ByteString value : view.records(RecordKeys.MEMBER_PREFIX).values()) {
            loaded.add(MemberRecord.parseFrom(value));
        }
        loaded.sort(BY_ID);
        Set<Long> removed = new HashSet<>();
        for (ByteString key : view.records(RecordKeys.REMOVED_PREFIX).keySet()) {
            removed.add(RecordKeys.suffix(RecordKeys.REMOVED_PREFIX, key));
        }
        removedIds = Set.copyOf(removed);
        members = List.copyOf(loaded);
        listener.accept(members);
    }

    /** Sets the one change listener (before the apply thread starts). */
    void onChange(Consumer<List<MemberRecord>> changeListener) {
        this.listener = changeListener;
    }

    /** Whether member {@code id} was removed from the cluster. Any thread. */
    boolean isRemoved(long id) {
        return removedIds.contains(id);
    }

    /** The member with {@code id}, or null. Any thread. */
    MemberRecord member(long id) {
        return find(id);
    }

    /** Every member, sorted by ID. */
    List<MemberRecord> members() {
        return members;
    }

    /**
     * Why the committed conf change {@code change} must not be applied to this membership, or
     * empty if it may (etcd's {@code ValidateConfigurationChange}, with its errors in the
     * reasons the Cluster API answers them with: a removed ID is "member not found").
     */
    Optional<Reason> refusal(ConfChange change) throws InvalidProtocolBufferException {
        long id = change.getNodeId();
        if (isRemoved(id)) {
            return Optional.of(Reason.MEMBER_NOT_FOUND);
        }
        MemberRecord existing = find(id);
        if (change.getType() == ConfChangeType.CONF_CHANGE_REMOVE_NODE || existing == null
                && change.getType() == ConfChangeType.CONF_CHANGE_UPDATE_NODE) {
            return existing == null ? Optional.of(Reason.MEMBER_NOT_FOUND) : Optional.empty();
        }
        MemberRecord proposed = MemberRecord.parseFrom(change.getContext());
        if (change.getType() == ConfChangeType.CONF_CHANGE_UPDATE_NODE) {
            return peerUrlsTaken(members, proposed.getPeerUrlsList(), id)
                    ? Optional.of(Reason.PEER_URL_EXIST) : Optional.empty();
        }
        if (proposed.getIsPromote()) {
            return existing == null ? Optional.of(Reason.MEMBER_NOT_FOUND)
                    : existing.getIsLearner() ? Optional.empty()
                    : Optional.of(Reason.MEMBER_NOT_LEARNER);
        }
        if (existing != null) {
            return Optional.of(Reason.MEMBER_EXIST);
        }
        if (peerUrlsTaken(members, proposed.getPeerUrlsList(), 0)) {
            return Optional.of(Reason.PEER_URL_EXIST);
        }
        boolean learner = change.getType() == ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE;
        if (learner && learnerCount(members) + 1 > Reconfiguration.LEARNERS_MAX) {
            return Optional.of(Reason.TOO_MANY_LEARNERS);
        }
        return Optional.empty();
    }

    /** Whether a member other than {@code exceptId} has one of {@code urls}. */
    static boolean peerUrlsTaken(List<MemberRecord> members, List<String> urls, long exceptId) {
        return members.stream().filter(m -> m.getId() != exceptId)
                .anyMatch(m -> m.getPeerUrlsList().stream().anyMatch(urls::contains));
    }

    static long learnerCount(List<MemberRecord> members) {
        return members.stream().filter(MemberRecord::getIsLearner).count();
    }

    /** Applies a committed single-member conf change that {@link #refusal} accepted. */
    void apply(ApplyBatch batch, ConfChange change) throws InvalidProtocolBufferException {
        if (change.getType() == ConfChangeType.CONF_CHANGE_REMOVE_NODE) {
            batch.deleteRecord(RecordKeys.member(change.getNodeId()));
            batch.putRecord(RecordKeys.removed(change.getNodeId()), new byte[0]);
            Set<Long> removed = new HashSet<>(removedIds);
            removed.add(change.getNodeId());
            removedIds = Set.copyOf(removed);
            replace(change.getNodeId(), null);
            return;
        }
        MemberRecord added = MemberRecord.parseFrom(change.getContext());
        MemberRecord existing = find(change.getNodeId());
        // An update keeps the member's role; adding a voter that is a learner promotes it.
        boolean learner = change.getType() == ConfChangeType.CONF_CHANGE_UPDATE_NODE
                ? existing != null && existing.getIsLearner()
                : change.getType() == ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE;
        MemberRecord member = added.toBuilder().setId(change.getNodeId())
                .setIsLearner(learner).clearIsPromote().build();
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
        listener.accept(members);
    }
}
