/**
 * Peer messages and snapshot streams between members over long-lived gRPC streams on the peer URL,
 * after etcd's {@code etcdserver/api/rafthttp}. The entry point is {@link
 * io.etcetera.transport.PeerTransport}; what it reports goes to a {@link
 * io.etcetera.transport.TransportListener} the server implements. Wire format: {@code peer.proto}
 * ({@code io.etcetera.transport.pb}), carrying the Raft types of {@code io.etcetera.raft.pb}.
 *
 * <p>Imports only the Raft types and the leaves ({@code config}, {@code metrics}, {@code
 * invariants}).
 *
 * <h2>Sending Raft messages</h2>
 *
 * Each peer has two lanes, each a client-streaming gRPC call on its own TCP connection: one for
 * MsgApp and one for every other message (heartbeats, votes, responses, forwarded proposals), as
 * etcd has its msgappv2 and message streams. A heartbeat or vote therefore waits at most for the
 * batch being written on its own lane, never behind megabytes of MsgApp in a socket buffer. A
 * lane's queue is bounded in messages and bytes ({@link io.etcetera.transport.PeerLimits}); {@code
 * send} never blocks: when the queue is full, or the lane is down and backing off, the message is
 * dropped, counted, and the peer reported unreachable, and Raft recovers (probe state,
 * retransmission), as with etcd's full stream buffer.
 *
 * <p>One sender thread per peer drains its lanes: whatever is queued when the stream can take more
 * (HTTP/2 flow control, {@code ClientCall.isReady}) goes out as one {@code MessageBatch}, up to
 * {@code batchMessagesMax} messages or {@code batchBytesMax} bytes, so batches grow with load and a
 * lone message goes out at once. Messages of one lane arrive in the order they were queued; across
 * lanes, and across a reconnect, order is not kept, which Raft tolerates (etcd's streams are the
 * same). A dead or slow peer only fills its own queues and parks its own thread: no other peer
 * waits for it.
 *
 * <p>A lane's stream counts as open once the peer answered its headers (it has admitted the call).
 * A stream that breaks or is refused, or that the peer does not answer within {@code
 * acceptWaitMillisMax}, drops its queue (reporting the peer unreachable when that lost messages or
 * the stream had been open), and is retried after a back-off that doubles from {@code
 * reconnectBackoffMinMillis} to {@code reconnectBackoffMaxMillis}, on a new channel (gRPC's own
 * reconnect back-off grows to two minutes), trying the peer's next URL when the last attempt never
 * connected. HTTP/2 keepalive breaks links to peers that vanished without a reset. The peer is
 * active ({@code activeSince}, etcd's {@code ActiveSince}) from the first open stream until a
 * stream fails. A small probe call on the message lane's connection measures the round-trip time
 * every {@code probeIntervalMillis}.
 *
 * <h2>Identity</h2>
 *
 * Every call carries, in headers under etcd's names, the cluster ID, the sender's and the target's
 * member IDs, and the sender's advertised peer URLs. The receiver refuses, in etcd's words, a wrong
 * cluster ID ("cluster ID mismatch", logged as "request cluster ID mismatch"), a sender the member
 * says was removed ("removed member", also checked on every batch), a call meant for another member
 * ("to field mismatch"). A sender refused as removed tells its member once, with etcd's "the member
 * has been permanently removed from the cluster", so it stops. A caller the receiver does not know
 * yet becomes a remote peer so that Raft can answer it (etcd's {@code AddRemote}).
 *
 * <h2>Receiving</h2>
 *
 * Calls run on the gRPC I/O threads and never block: each message of a batch goes to {@code
 * TransportListener.onMessage}, which enqueues into the raft loop's inbox; a message the inbox does
 * not take is dropped and counted. The next batch is requested after the previous one was handed
 * over.
 *
 * <h2>Snapshots</h2>
 *
 * A MsgSnap travels with the state machine's data, which the server supplies as a stream ({@link
 * io.etcetera.transport.OutgoingSnapshot}), on its own short-lived connection: a header with the
 * MsgSnap and the data's size, data chunks of {@code snapshotChunkBytes} read only when the stream
 * takes more, a trailer with the SHA-256 of the data. The receiver writes chunks on its
 * snapshot-receive thread to {@code <index>.snap.db.<random>.part} in the snapshot directory,
 * requesting the next chunk only after writing one, so memory stays bounded on both sides whatever
 * the size. At the trailer it checks size and checksum, syncs the file, renames it atomically to
 * {@code <index as 16 hex digits>.snap.db}, syncs the directory, and only then hands the MsgSnap
 * with the file ({@link io.etcetera.transport.ReceivedSnapshot}) to the member; the sender reports
 * {@code FINISH} when the receiver confirms. Anything else deletes the partial file and the sender
 * reports {@code FAILURE} (and the peer unreachable); partial files of a crashed run are deleted at
 * start.
 *
 * <h2>TLS</h2>
 *
 * On {@code https} peer URLs both the Raft streams and snapshot streams, and the server's own
 * services on the peer port (the members list a joining member asks for, a forwarded promotion),
 * run over TLS with ALPN {@code h2}, with the contexts {@link io.etcetera.transport.PeerTls} builds
 * from etcd's {@code --peer-*} files: listeners demand a certificate signed by the peer CA when
 * one is given, and calls check the peer's certificate against the host of its URL. A member may
 * listen on {@code http} and {@code https} URLs at once, and calls each peer on the scheme of the
 * URL it advertised.
 *
 * <h2>Threads</h2>
 *
 * {@code etcetera-peer-accept} (1) and {@code etcetera-peer-io} (shared by listeners and all
 * outbound links) run gRPC; {@code etcetera-peer-sender-<id>} (one per peer) owns that peer's
 * lanes, channels and calls; {@code etcetera-peer-snapshot-send} (while sending, at most four)
 * reads snapshot data; {@code etcetera-peer-snapshot-receive} (1) writes it. gRPC's shared timer
 * thread runs probe deadlines and keepalives. Threads hand over through bounded queues, volatile
 * fields and {@code LockSupport} wake-ups; no lock is held across a call into gRPC or the member.
 */
package io.etcetera.transport;
