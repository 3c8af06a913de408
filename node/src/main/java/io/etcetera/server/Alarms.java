package io.etcetera.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.AlarmType;
import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.ReadView;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's active alarms (etcd's {@code AlarmStore}), raised and cleared through Raft and
 * kept in the store's records. While a NOSPACE alarm is active the apply path refuses puts, txns
 * with puts and lease grants (etcd's capped applier); reads, deletes and compaction go on.
 *
 * <p>Written by the apply thread inside an apply batch; read by any thread through an immutable
 * list replaced on each change.
 */
final class Alarms {

    private volatile List<AlarmMember> active;

    private Alarms(List<AlarmMember> active) {
        this.active = active;
    }

    /** The alarms stored in {@code view}. */
    static Alarms load(ReadView view) throws InvalidProtocolBufferException {
        List<AlarmMember> active = new ArrayList<>();
        for (ByteString value : view.records(RecordKeys.ALARM_PREFIX).values()) {
            active.add(AlarmMember.parseFrom(value));
        }
        return new Alarms(List.copyOf(active));
    }

    /** Reads the alarms again from {@code view}: a leader's snapshot replaced the store. */
    void reload(ReadView view) throws InvalidProtocolBufferException {
        active = load(view).active;
    }

    /** Every active alarm, by member then type. */
    List<AlarmMember> active() {
        return active;
    }

    /** Whether a NOSPACE alarm is active on any member. */
    boolean noSpace() {
        for (AlarmMember alarm : active) {
            if (alarm.getAlarm() == AlarmType.NOSPACE) {
                return true;
            }
        }
        return false;
    }

    /** etcd's apply of an AlarmRequest: GET lists, ACTIVATE and DEACTIVATE change one alarm. */
    AlarmResponse apply(ApplyBatch batch, AlarmRequest request) {
        AlarmResponse.Builder response = AlarmResponse.newBuilder();
        AlarmMember alarm = AlarmMember.newBuilder().setMemberID(request.getMemberID())
                .setAlarm(request.getAlarm()).build();
        switch (request.getAction()) {
            case GET -> active.stream()
                    .filter(a -> request.getAlarm() == AlarmType.NONE
                            || a.getAlarm() == request.getAlarm())
                    .forEach(response::addAlarms);
            case ACTIVATE -> {
                if (request.getAlarm() != AlarmType.NONE && !active.contains(alarm)) {
                    batch.putRecord(key(alarm), alarm.toByteArray());
                    List<AlarmMember> next = new ArrayList<>(active);
                    next.add(alarm);
                    active = List.copyOf(next);
                }
                if (request.getAlarm() != AlarmType.NONE) {
                    response.addAlarms(alarm);
                }
            }
            case DEACTIVATE -> {
                if (active.contains(alarm)) {
                    batch.deleteRecord(key(alarm));
                    List<AlarmMember> next = new ArrayList<>(active);
                    next.remove(alarm);
                    active = List.copyOf(next);
                    response.addAlarms(alarm);
                }
            }
            default -> { }
        }
        return response.build();
    }

    private static byte[] key(AlarmMember alarm) {
        return RecordKeys.alarm(alarm.getMemberID(), alarm.getAlarmValue());
    }
}
