package io.etcetera.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;

import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.MoveLeaderResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.StatusResponse;
import io.etcetera.config.Versions;
import io.etcetera.mvcc.KvHash;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.MemberRecord;
import io.etcetera.server.pb.RaftRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The maintenance requests of a member (etcd's {@code maintenanceServer}): status, alarms (through
 * Raft, as in etcd), defragmentation, hashes, snapshots and leader transfer. Work that scans or
 * rewrites the store (defragment, hash, checkpoint, snapshot reads) runs on the member's one
 * maintenance thread, never on the caller's.
 *
 * <p>Thread-safe and non-blocking.
 */
public final class Maintenance {

    private final long memberId;
    private final MvccStore store;
    private final StoreReads reads;
    private final Proposals proposals;
    private final ReadyHandler readyHandler;
    private final AppliedIndex applied;
    private final Membership membership;
    private final Alarms alarms;
    private final Headers headers;
    private final RaftInbox raft;
    private final Executor maintenance;
    private final DataDir dataDir;
    private final RequestIds ids;
    private final InstantSource clock;
    private final long timeoutMillis;

    Maintenance(long memberId, MvccStore store, StoreReads reads, Proposals proposals,
            ReadyHandler readyHandler, AppliedIndex applied, Membership membership, Alarms alarms,
            Headers headers, RaftInbox raft, Executor maintenance, DataDir dataDir,
            RequestIds ids, InstantSource clock, long timeoutMillis) {
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
        this.memberId = memberId;
        this.store = store;
        this.reads = reads;
        this.proposals = proposals;
        this.readyHandler = readyHandler;
        this.applied = applied;
        this.membership = membership;
        this.alarms = alarms;
        this.headers = headers;
        this.raft = raft;
        this.maintenance = maintenance;
        this.dataDir = dataDir;
        this.ids = ids;
    }

    /**
     * etcd 3.4's Status with {@code errors} (the caller words them: "no leader", the alarms). NB:
     * jetcd's protobuf predates four of etcd 3.4's fields (raftAppliedIndex = 7, errors = 8,
     * dbSizeInUse = 9, isLearner = 10); they are written as fields of those numbers, which etcd's
     * clients decode as etcd's own.
     */
    public StatusResponse status(List<String> errors) {
        UnknownFieldSet.Builder etcd34 = UnknownFieldSet.newBuilder()
                .addField(7, varint(applied.index()));
        if (!errors.isEmpty()) {
            UnknownFieldSet.Field.Builder field = UnknownFieldSet.Field.newBuilder();
            errors.forEach(error -> field.addLengthDelimited(ByteString.copyFromUtf8(error)));
            etcd34.addField(8, field.build());
        }
        etcd34.addField(9, varint(store.dbSizeInUseBytes()));
        if (isLearner()) {
            etcd34.addField(10, varint(1));
        }
        return StatusResponse.newBuilder()
                .setHeader(headers.current())
                .setVersion(Versions.ETCD_SERVER)
                .setDbSize(store.dbSizeBytes())
                .setLeader(readyHandler.leaderId())
                .setRaftIndex(readyHandler.committedIndex())
                .setRaftTerm(readyHandler.term())
                .setUnknownFields(etcd34.build())
                .build();
    }

    private static UnknownFieldSet.Field varint(long value) {
        return UnknownFieldSet.Field.newBuilder().addVarint(value).build();
    }

    private boolean isLearner() {
        for (MemberRecord member : membership.members()) {
            if (member.getId() == memberId) {
                return member.getIsLearner();
            }
        }
        return false;
    }

    /** The cluster's active alarms, as applied on this member. */
    public List<AlarmMember> alarms() {
        return alarms.active();
    }

    /** etcd's Alarm: GET, ACTIVATE and DEACTIVATE all go through Raft. */
    public CompletableFuture<AlarmResponse> alarm(AlarmRequest request) {
        return proposals.propose(RaftRequest.newBuilder().setAlarm(request)).thenApply(result -> {
            AlarmResponse response = (AlarmResponse) result;
            return response.toBuilder().setHeader(headers.current()).build();
        });
    }

    /** etcd's Defragment: the store rewrites itself without deleted data. */
    public CompletableFuture<DefragmentResponse> defragment() {
        return onMaintenanceThread(() -> {
            reads.use(() -> {
                store.defragment();
                return null;
            });
            return DefragmentResponse.newBuilder().setHeader(headers.current()).build();
        });
    }

    /** etcd's Hash (here the HashKV of the current revision; see the store). */
    public CompletableFuture<HashResponse> hash() {
        return onMaintenanceThread(() -> {
            KvHash hash = reads.read(view -> view.hashKv(0));
            return HashResponse.newBuilder().setHash(hash.hash())
                    .setHeader(headers.fill(ResponseHeader.newBuilder()
                            .setRevision(hash.revision()).build()))
                    .build();
        });
    }

    /** etcd's HashKV at {@code revision} (0: current). */
    public CompletableFuture<HashKVResponse> hashKv(long revision) {
        return onMaintenanceThread(() -> {
            KvHash hash = reads.read(view -> view.hashKv(revision));
            return HashKVResponse.newBuilder().setHash(hash.hash())
                    .setCompactRevision(hash.compactRevision())
                    .setHeader(headers.fill(ResponseHeader.newBuilder()
                            .setRevision(hash.revision()).build()))
                    .build();
        });
    }

    /** A client snapshot: a checkpoint of the store, streamed as an archive. */
    public CompletableFuture<SnapshotStream> snapshot() {
        return onMaintenanceThread(() -> {
            Path checkpoint = dataDir.member().resolve(
                    Member.CHECKPOINT_PREFIX + Long.toHexString(ids.next()));
            try {
                reads.use(() -> {
                    store.checkpoint(checkpoint);
                    return null;
                });
                return new SnapshotStream(checkpoint, SnapshotArchive.of(checkpoint),
                        maintenance);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Runs {@code work} on the maintenance thread; refused when its queue is full. */
    private <T> CompletableFuture<T> onMaintenanceThread(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, maintenance);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.failedFuture(
                    RequestFailedException.of(Reason.TOO_MANY_REQUESTS));
        }
    }

    /**
     * etcd's MoveLeader: only the leader may move leadership, only to a voting member; moving it
     * to itself is done at once.
     */
    public CompletableFuture<MoveLeaderResponse> moveLeader(long targetId) {
        if (!readyHandler.isLeader()) {
            return CompletableFuture.failedFuture(RequestFailedException.of(Reason.NOT_LEADER));
        }
        boolean voter = membership.members().stream()
                .anyMatch(m -> m.getId() == targetId && !m.getIsLearner());
        if (!voter) {
            return CompletableFuture.failedFuture(
                    RequestFailedException.of(Reason.BAD_LEADER_TRANSFEREE));
        }
        MoveLeaderResponse done = MoveLeaderResponse.newBuilder()
                .setHeader(headers.current()).build();
        if (targetId == memberId) {
            return CompletableFuture.completedFuture(done);
        }
        if (!raft.offer(new RaftEvent.TransferLeader(targetId))) {
            return CompletableFuture.failedFuture(
                    RequestFailedException.of(Reason.TOO_MANY_REQUESTS));
        }
        return readyHandler.awaitLeader(targetId, clock.millis(), timeoutMillis)
                .thenApply(v -> done);
    }
}
