package io.etcetera.server;

import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The keys of the server's records in the store's records family (atomic with the applied index):
 *
 * <pre>
 * "member/" BE64(memberId)                  a Member (server.proto)
 * "alarm/"  BE64(memberId) BE32(alarmType)  an etcdserverpb.AlarmMember
 * "removed/" BE64(memberId)                 empty: a member removed from the cluster
 * </pre>
 *
 * Other components (lease, auth) keep their records under prefixes of their own. Stateless.
 */
final class RecordKeys {

    static final ByteString MEMBER_PREFIX = ByteString.copyFrom("member/", StandardCharsets.UTF_8);
    static final ByteString ALARM_PREFIX = ByteString.copyFrom("alarm/", StandardCharsets.UTF_8);
    static final ByteString REMOVED_PREFIX =
            ByteString.copyFrom("removed/", StandardCharsets.UTF_8);

    private RecordKeys() {}

    static byte[] member(long memberId) {
        return ByteBuffer.allocate(MEMBER_PREFIX.size() + Long.BYTES)
                .put(MEMBER_PREFIX.toByteArray()).putLong(memberId).array();
    }

    static byte[] removed(long memberId) {
        return ByteBuffer.allocate(REMOVED_PREFIX.size() + Long.BYTES)
                .put(REMOVED_PREFIX.toByteArray()).putLong(memberId).array();
    }

    static byte[] alarm(long memberId, int alarmType) {
        return ByteBuffer.allocate(ALARM_PREFIX.size() + Long.BYTES + Integer.BYTES)
                .put(ALARM_PREFIX.toByteArray()).putLong(memberId).putInt(alarmType).array();
    }
}
