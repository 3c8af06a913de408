package io.etcetera.raft;

import io.etcetera.raft.pb.MessageType;

/**
 * {@link RawNode#step} refused a message from the network: it was of a kind that only the node
 * itself may produce, or it was a response from a node that is not a member. Nothing changed; the
 * caller drops the message (and may log it).
 */
public final class MessageRejectedException extends RuntimeException {

    public MessageRejectedException(MessageType type, long from, String why) {
        super("rejected " + type + " from " + Long.toHexString(from) + ": " + why, null, false,
                false);
    }
}
