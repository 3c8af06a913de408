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
 * "conf-refused/" BE64(index)               empty: the conf change entry at this Raft index was
 *                                           refused when applied (kept for a restart, whose raft
 *                                           loop meets the entry again after the store applied it)
 * </pre>
 *
 * Other components (lease, auth) keep their records under prefixes of their own. Stateless.
 */
final class RecordKeys {

    static final ByteString MEMBER_PREFIX = ByteString.copyFrom("member/", StandardCharsets.UTF_8);
    static final ByteString ALARM_PREFIX = ByteString.copyFrom("alarm/", StandardCharsets.UTF_8);
    static final ByteString REMOVED_PREFIX =
            ByteString.copyFrom("removed/", StandardCharsets.UTF_8);

    static final ByteString CONF_REFUSED_PREFIX =
            ByteString.copyFrom("conf-refused/", StandardCharsets.UTF_8);

    private RecordKeys() {}

    static byte[] member(long memberId) {
        return prefixed(MEMBER_PREFIX, memberId);
    }

    static byte[] removed(long memberId) {
        return prefixed(REMOVED_PREFIX, memberId);
    }

    static byte[] confRefused(long index) {
        return prefixed(CONF_REFUSED_PREFIX, index);
    }

    /** The number a key of {@code prefix} ends with. */
    static long suffix(ByteString prefix, ByteString key) {
        return key.substring(prefix.size()).asReadOnlyByteBuffer().getLong();
    }

    private static byte[] prefixed(ByteString prefix, long value) {
        return ByteBuffer.allocate(prefix.size() + Long.BYTES).put(prefix.toByteArray())
                .putLong(value).array();
    }

    static byte[] alarm(long memberId, int alarmType) {
        return ByteBuffer.allocate(ALARM_PREFIX.size() + Long.BYTES + Integer.BYTES)
                .put(ALARM_PREFIX.toByteArray()).putLong(memberId).putInt(alarmType).array();
    }
}
