package io.etcetera.raft;

import com.google.protobuf.ByteString;

/**
 * A member of a brand-new cluster, for {@link RawNode#bootstrap}. Immutable.
 *
 * @param id the member's node ID, not 0
 * @param context opaque to Raft: stored in the member's initial ConfChange entry (the server keeps
 *     the member's name and peer URLs there)
 */
public record Peer(long id, ByteString context) {

    public Peer {
        if (id == 0) {
            throw new IllegalArgumentException("peer id must not be 0");
        }
    }
}
