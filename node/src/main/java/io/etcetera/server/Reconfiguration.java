package io.etcetera.server;

import io.etcetera.config.EtcdUrl;
import io.etcetera.raft.Status;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.tracker.Progress;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.MemberRecord;
import io.etcetera.transport.PeerTransport;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Membership changes (etcd's {@code AddMember}, {@code RemoveMember}, {@code UpdateMember}, {@code
 * PromoteMember}): each is checked as etcd checks it, then proposed as one single-member conf
 * change whose context is the member's {@link MemberRecord}; the future completes once this member
 * applied it. With {@code --strict-reconfig-check} (etcd's default) a change that could cost the
 * cluster its quorum is refused: a voter is added only while enough members have started (published
 * their attributes) and this member has been connected to every voter for {@link
 * #HEALTH_INTERVAL_MILLIS}; a voter is removed only if enough started and connected members remain;
 * a learner is promoted only when the leader sees it within {@link #PROMOTE_READY_FRACTION} of its
 * own log. Only the leader knows how far a learner got, so a promotion asked of another member is
 * forwarded to the leader ({@link ClusterPeerClient}).
 *
 * <p>The checks read the applied membership and the transport's link state at the time of the
 * request, as etcd's do; Raft itself lets one conf change be pending at a time, so this member
 * proposes its changes one after the other, and each is checked again when it is applied
 * ({@link Membership#refusal}): a change that no longer holds then fails with etcd's error.
 *
 * <p>Thread-safe and non-blocking: called on client I/O threads.
 */
final class Reconfiguration {

    /** etcd's {@code readyPercent}: a learner within 90% of the leader's log may be promoted. */
    static final double PROMOTE_READY_FRACTION = 0.9;
    /** etcd's {@code HealthInterval}: how long links must have been up for a change. */
    static final long HEALTH_INTERVAL_MILLIS = 5000;
    /** etcd's {@code maxLearners}. */
    static final int LEARNERS_MAX = 1;
    /** This member's conf changes waiting for the one before them, at most. */
    static final int CHANGES_QUEUED_MAX = 16;

    private final long memberId;
    private final Membership membership;
    private final RaftInbox raft;
    private final WaitRegistry waits;
    private final RequestIds ids;
    private final PeerTransport transport;
    private final ReadyHandler readyHandler;
    private final InstantSource clock;
    private final boolean strict;
    private final ClusterPeerClient peers;
    /** This member's newest conf change proposal (or a completed future). Guarded by this. */
    private CompletableFuture<Void> lastProposed = CompletableFuture.completedFuture(null);
    /** Proposals not yet answered, the newest's queue included. Guarded by this. */
    private int queuedCount;

    Reconfiguration(long memberId, Membership membership, RaftInbox raft, WaitRegistry waits,
            RequestIds ids, PeerTransport transport, ReadyHandler readyHandler,
            InstantSource clock, boolean strict, ClusterPeerClient peers) {
        this.memberId = memberId;
        this.membership = membership;
        this.raft = raft;
        this.waits = waits;
        this.ids = ids;
        this.transport = transport;
        this.readyHandler = readyHandler;
        this.clock = clock;
        this.strict = strict;
        this.peers = peers;
    }

    /** etcd's AddMember: a new member with an ID derived from its peer URLs and the time. */
    CompletableFuture<MemberRecord> add(List<String> peerUrls, boolean learner) {
        List<String> urls;
        try {
            urls = normalized(peerUrls);
        } catch (IllegalArgumentException bad) {
            return failed(Reason.MEMBER_BAD_URLS);
        }
        List<MemberRecord> members = membership.members();
        if (Membership.peerUrlsTaken(members, urls, 0)) {
            return failed(Reason.PEER_URL_EXIST);
        }
        if (learner && Membership.learnerCount(members) >= LEARNERS_MAX) {
            return failed(Reason.TOO_MANY_LEARNERS);
        }
        if (strict && !learner && !readyToAddVoter(members)) {
            return failed(Reason.MEMBER_NOT_ENOUGH_STARTED);
        }
        if (strict && !connectedToAllVoters(members)) {
            return failed(Reason.UNHEALTHY);
        }
        long id = MemberIds.newMemberId(urls, clock.instant().getEpochSecond());
        if (membership.isRemoved(id)) {
            return failed(Reason.MEMBER_NOT_FOUND);
        }
        if (membership.member(id) != null) {
            return failed(Reason.MEMBER_EXIST);
        }
        MemberRecord added = MemberRecord.newBuilder().setId(id).addAllPeerUrls(urls)
                .setIsLearner(learner).build();
        return propose(learner ? ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE
                : ConfChangeType.CONF_CHANGE_ADD_NODE, added).thenApply(v -> added);
    }

    /** etcd's RemoveMember. */
    CompletableFuture<Void> remove(long id) {
        MemberRecord member = membership.member(id);
        if (member == null) {
            return failed(Reason.MEMBER_NOT_FOUND);
        }
        if (strict && !member.getIsLearner()) {
            List<MemberRecord> voters = voters(membership.members());
            if (!readyToRemoveVoter(voters, id)) {
                return failed(Reason.MEMBER_NOT_ENOUGH_STARTED);
            }
            // A member that is down is not part of the active quorum: removing it is safe.
            boolean down = id != memberId && transport.activeSince(id).isEmpty();
            if (!down && connectedCount(voters) - 1 < 1 + (voters.size() - 1) / 2) {
                return failed(Reason.UNHEALTHY);
            }
        }
        return propose(ConfChangeType.CONF_CHANGE_REMOVE_NODE, member);
    }

    /** etcd's UpdateMember: new peer URLs for a member. */
    CompletableFuture<Void> update(long id, List<String> peerUrls) {
        List<String> urls;
        try {
            urls = normalized(peerUrls);
        } catch (IllegalArgumentException bad) {
            return failed(Reason.MEMBER_BAD_URLS);
        }
        MemberRecord member = membership.member(id);
        if (member == null) {
            return failed(Reason.MEMBER_NOT_FOUND);
        }
        if (Membership.peerUrlsTaken(membership.members(), urls, id)) {
            return failed(Reason.PEER_URL_EXIST);
        }
        return propose(ConfChangeType.CONF_CHANGE_UPDATE_NODE,
                member.toBuilder().clearPeerUrls().addAllPeerUrls(urls).build());
    }

    /** etcd's PromoteMember: here if this member leads, else forwarded to the leader. */
    CompletableFuture<Void> promote(long id) {
        if (readyHandler.isLeader()) {
            return promoteAsLeader(id);
        }
        long leaderId = readyHandler.leaderId();
        MemberRecord leader = leaderId == 0 ? null : membership.member(leaderId);
        if (leader == null) {
            return failed(Reason.NO_LEADER);
        }
        return peers.promote(leader.getPeerUrlsList(), id);
    }

    /** Promotes {@code id} if this member leads and judges the learner caught up. */
    CompletableFuture<Void> promoteAsLeader(long id) {
        CompletableFuture<Status> status = new CompletableFuture<>();
        if (!raft.offer(new RaftEvent.ReadStatus(status))) {
            return failed(Reason.TOO_MANY_REQUESTS);
        }
        return status.thenCompose(raftStatus -> {
            Optional<Reason> refusal = promoteRefusal(raftStatus, id);
            if (refusal.isPresent()) {
                return failed(refusal.get());
            }
            MemberRecord learner = membership.member(id);
            return propose(ConfChangeType.CONF_CHANGE_ADD_NODE,
                    learner.toBuilder().setIsLearner(false).setIsPromote(true).build());
        });
    }

    private Optional<Reason> promoteRefusal(Status status, long id) {
        if (status.progress().size() == 0) {
            return Optional.of(Reason.NOT_LEADER);
        }
        Progress learner = status.progress().get(id);
        Progress self = status.progress().get(memberId);
        if (learner != null && self != null
                && learner.match() < self.match() * PROMOTE_READY_FRACTION) {
            return Optional.of(Reason.LEARNER_NOT_READY);
        }
        MemberRecord member = membership.member(id);
        if (member == null) {
            return Optional.of(Reason.MEMBER_NOT_FOUND);
        }
        if (!member.getIsLearner()) {
            return Optional.of(Reason.MEMBER_NOT_LEARNER);
        }
        if (strict && !readyToPromote(membership.members())) {
            return Optional.of(Reason.MEMBER_NOT_ENOUGH_STARTED);
        }
        return Optional.empty();
    }

    /**
     * Proposes after this member's previous conf change was applied or failed: Raft takes one
     * pending conf change at a time and turns another proposed meanwhile into an empty entry,
     * whose proposer would only time out. Queued changes were checked against the membership
     * before those ahead of them applied; the check at apply ({@link Membership#refusal})
     * answers them with etcd's error if those changed it.
     */
    private CompletableFuture<Void> propose(ConfChangeType type, MemberRecord member) {
        CompletableFuture<Void> proposed;
        synchronized (this) {
            if (queuedCount >= CHANGES_QUEUED_MAX) {
                return failed(Reason.TOO_MANY_REQUESTS);
            }
            queuedCount++;
            proposed = lastProposed.handle((ignored, failure) -> null)
                    .thenCompose(ready -> proposeNow(type, member));
            lastProposed = proposed;
        }
        proposed.whenComplete((ignored, failure) -> {
            synchronized (this) {
                queuedCount--;
            }
        });
        return proposed;
    }

    private CompletableFuture<Void> proposeNow(ConfChangeType type, MemberRecord member) {
        ConfChange change = ConfChange.newBuilder().setId(ids.next()).setType(type)
                .setNodeId(member.getId()).setContext(member.toByteString()).build();
        CompletableFuture<Object> applied;
        try {
            applied = waits.register(change.getId(), clock.millis());
        } catch (RequestFailedException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        if (!raft.offer(new RaftEvent.ProposeConfChange(change))) {
            waits.fail(change.getId(), RequestFailedException.of(Reason.TOO_MANY_REQUESTS));
        }
        return applied.thenApply(result -> null);
    }

    /** URLs parsed as etcd parses them ({@code types.NewURLs}), sorted, as strings. */
    private static List<String> normalized(List<String> peerUrls) {
        if (peerUrls.isEmpty()) {
            throw new IllegalArgumentException("no URLs");
        }
        TreeSet<String> urls = new TreeSet<>();
        for (String url : peerUrls) {
            EtcdUrl parsed = EtcdUrl.parse(url);
            if (parsed.host().isEmpty() || parsed.isUnixSocket()) {
                throw new IllegalArgumentException(url);
            }
            urls.add(parsed.toString());
        }
        return new ArrayList<>(urls);
    }

    private static List<MemberRecord> voters(List<MemberRecord> members) {
        return members.stream().filter(m -> !m.getIsLearner()).toList();
    }

    /** etcd's {@code IsStarted}: the member published its name. */
    private static boolean started(MemberRecord member) {
        return !member.getName().isEmpty();
    }

    /** etcd's {@code IsReadyToAddVotingMember}. */
    private static boolean readyToAddVoter(List<MemberRecord> members) {
        List<MemberRecord> voters = voters(members);
        int memberCount = voters.size() + 1;
        long startedCount = voters.stream().filter(Reconfiguration::started).count();
        if (startedCount == 1 && memberCount == 2) {
            return true; // growing a one-member cluster, e.g. one restored from a snapshot
        }
        return startedCount >= memberCount / 2 + 1;
    }

    /** etcd's {@code IsReadyToRemoveVotingMember}. */
    private static boolean readyToRemoveVoter(List<MemberRecord> voters, long id) {
        List<MemberRecord> remaining = voters.stream().filter(m -> m.getId() != id).toList();
        long startedCount = remaining.stream().filter(Reconfiguration::started).count();
        return startedCount >= remaining.size() / 2 + 1;
    }

    /** etcd's {@code IsReadyToPromoteMember}: the learner counts as a started voter. */
    private static boolean readyToPromote(List<MemberRecord> members) {
        List<MemberRecord> voters = voters(members);
        int memberCount = voters.size() + 1;
        long startedCount = voters.stream().filter(Reconfiguration::started).count() + 1;
        return startedCount >= memberCount / 2 + 1;
    }

    /** etcd's {@code isConnectedFullySince}: linked to every other voter since long enough. */
    private boolean connectedToAllVoters(List<MemberRecord> members) {
        List<MemberRecord> voters = voters(members);
        return connectedCount(voters) == voters.size();
    }

    /** etcd's {@code numConnectedSince}: this member, and voters linked for long enough. */
    private int connectedCount(List<MemberRecord> voters) {
        Instant since = clock.instant().minusMillis(HEALTH_INTERVAL_MILLIS);
        int connected = 0;
        for (MemberRecord voter : voters) {
            Optional<Instant> active = transport.activeSince(voter.getId());
            if (voter.getId() == memberId || (active.isPresent() && !active.get().isAfter(since))) {
                connected++;
            }
        }
        return connected;
    }

    private static <T> CompletableFuture<T> failed(Reason reason) {
        return CompletableFuture.failedFuture(RequestFailedException.of(reason));
    }
}
