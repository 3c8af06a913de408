package io.etcetera.mvcc.watch;

import com.google.protobuf.UnknownFieldSet;

import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;

import java.util.List;

/**
 * The watch fields that etcd 3.4 has and jetcd's protobuf classes lack: {@code
 * WatchCreateRequest.watch_id} (7) and {@code fragment} (8), and {@code WatchResponse.fragment}
 * (7).
 *
 * <p>NB: protobuf keeps fields it does not know as unknown fields, on parsing and on writing, so an
 * etcd client's {@code watch_id} arrives here intact and a fragment flag set here reaches the
 * client as etcd's field 7 (compare {@code mvcc.CompareTarget} for the txn lease target).
 *
 * <p>Stateless; any thread.
 */
public final class WatchFields {

    /** etcd's {@code WatchCreateRequest.watch_id}: 0 lets the server choose. */
    public static final int CREATE_WATCH_ID_FIELD = 7;

    /** etcd's {@code WatchCreateRequest.fragment}. */
    public static final int CREATE_FRAGMENT_FIELD = 8;

    /** etcd's {@code WatchResponse.fragment}: more fragments of this response follow. */
    public static final int RESPONSE_FRAGMENT_FIELD = 7;

    private WatchFields() {}

    /** The client-chosen watch ID of {@code request}; 0 (etcd's AutoWatchID) when none. */
    public static long watchId(WatchCreateRequest request) {
        return lastVarint(request.getUnknownFields(), CREATE_WATCH_ID_FIELD);
    }

    /** Whether {@code request} allows large responses to be split into fragments. */
    public static boolean fragment(WatchCreateRequest request) {
        return lastVarint(request.getUnknownFields(), CREATE_FRAGMENT_FIELD) != 0;
    }

    /** Whether more fragments of the same response follow {@code response}. */
    public static boolean isFragment(WatchResponse response) {
        return lastVarint(response.getUnknownFields(), RESPONSE_FRAGMENT_FIELD) != 0;
    }

    /** {@code request} with etcd's watch_id and fragment fields set, as an etcd client sends. */
    public static WatchCreateRequest withIdAndFragment(
            WatchCreateRequest request, long watchId, boolean fragment) {
        UnknownFieldSet.Builder fields = UnknownFieldSet.newBuilder(request.getUnknownFields());
        fields.clearField(CREATE_WATCH_ID_FIELD).clearField(CREATE_FRAGMENT_FIELD);
        if (watchId != 0) {
            fields.addField(CREATE_WATCH_ID_FIELD, varint(watchId));
        }
        if (fragment) {
            fields.addField(CREATE_FRAGMENT_FIELD, varint(1));
        }
        return request.toBuilder().setUnknownFields(fields.build()).build();
    }

    /** Marks {@code response} as a fragment that more fragments follow. */
    static WatchResponse.Builder markFragment(WatchResponse.Builder response) {
        return response.setUnknownFields(
                UnknownFieldSet.newBuilder().addField(RESPONSE_FRAGMENT_FIELD, varint(1)).build());
    }

    private static UnknownFieldSet.Field varint(long value) {
        return UnknownFieldSet.Field.newBuilder().addVarint(value).build();
    }

    /** As protobuf reads a repeated scalar field for a singular one: the last value wins. */
    private static long lastVarint(UnknownFieldSet fields, int number) {
        List<Long> values = fields.getField(number).getVarintList();
        return values.isEmpty() ? 0 : values.get(values.size() - 1);
    }
}
