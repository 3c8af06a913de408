package io.etcetera.api;

import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.MoveLeaderResponse;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcetera.server.Maintenance;
import io.etcetera.server.Member;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;

/**
 * etcd's Maintenance service ({@code v3rpc/maintenance.go}) over the member's {@link Maintenance}.
 * Runs on the client port's I/O threads and never blocks: store scans and snapshot reads run on
 * the member's maintenance thread, and a snapshot is sent only as fast as the client reads it.
 * Immutable.
 */
final class MaintenanceService implements MaintenanceGrpc.AsyncService {

    private final Member member;
    private final Maintenance maintenance;

    MaintenanceService(Member member) {
        this.member = member;
        this.maintenance = member.maintenance();
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        List<String> errors = new ArrayList<>();
        if (member.leaderId() == 0) {
            errors.add(EtcdError.NO_LEADER.message());
        }
        for (AlarmMember alarm : maintenance.alarms()) {
            errors.add(alarmText(alarm));
        }
        observer.onNext(maintenance.status(errors));
        observer.onCompleted();
    }

    /** An alarm as etcd's status lists it: gogoproto's compact text of the AlarmMember. */
    static String alarmText(AlarmMember alarm) {
        return "memberID:" + Long.toUnsignedString(alarm.getMemberID()) + " alarm:"
                + alarm.getAlarm() + " ";
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
        Replies.send(maintenance.alarm(request), observer);
    }

    @Override
    public void defragment(DefragmentRequest request,
            StreamObserver<DefragmentResponse> observer) {
        Replies.send(maintenance.defragment(), observer);
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> observer) {
        Replies.send(maintenance.hash(), observer);
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> observer) {
        Replies.send(maintenance.hashKv(request.getRevision()), observer);
    }

    @Override
    public void moveLeader(MoveLeaderRequest request,
            StreamObserver<MoveLeaderResponse> observer) {
        Replies.send(maintenance.moveLeader(request.getTargetID()), observer);
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> observer) {
        ServerCallStreamObserver<SnapshotResponse> call =
                (ServerCallStreamObserver<SnapshotResponse>) observer;
        SnapshotSender sender = new SnapshotSender(call);
        call.setOnReadyHandler(sender::pull);
        call.setOnCancelHandler(sender::cancel);
        maintenance.snapshot().whenComplete(sender::start);
    }
}
