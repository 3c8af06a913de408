package io.etcetera.raft;

import com.google.protobuf.ByteString;

/**
 * The answer to a {@code readIndex} request: once this node has applied up to {@code index}, a
 * read issued before the request may be served linearizably from its state machine. Immutable.
 *
 * @param index the commit index of the leader when the request was confirmed
 * @param requestContext the context passed to {@code readIndex}, to match answer and request
 */
public record ReadState(long index, ByteString requestContext) {}
