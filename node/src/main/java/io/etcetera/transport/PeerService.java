package io.etcetera.transport;

import io.etcetera.raft.pb.Message;
import io.etcetera.transport.pb.MessageBatch;
import io.etcetera.transport.pb.PeerGrpc;
import io.etcetera.transport.pb.ProbeReply;
import io.etcetera.transport.pb.ProbeRequest;
import io.etcetera.transport.pb.StreamEnd;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;

/**
 * The receiving side of the peer protocol: admits or refuses each call by its identity headers,
 * hands every received Raft message to the member's listener, answers probes, and passes snapshot
 * calls to the {@link SnapshotReceiver}.
 *
 * <p>Threads: every callback runs on a gRPC I/O thread and never blocks: the listener enqueues, and
 * a message it does not take is dropped and counted, as etcd drops when its receive buffer is full.
 * Raft message streams use gRPC flow control: one message is requested after the previous one was
 * handed over. Stateless beyond counters; thread-safe.
 */
final class PeerService {

    private static final System.Logger LOG = System.getLogger(PeerService.class.getName());

    private final PeerHeaders headers;
    private final TransportListener listener;
    private final LongFunction<PeerCounters> counters;

    /** Told of every admitted caller, so the transport can answer callers it does not know. */
    private final ObjLongConsumer<Metadata> callerSeen;

    private final SnapshotReceiver snapshots;
    private final LongAdder refusedCalls = new LongAdder();

    PeerService(
            PeerHeaders headers,
            TransportListener listener,
            LongFunction<PeerCounters> counters,
            ObjLongConsumer<Metadata> callerSeen,
            SnapshotReceiver snapshots) {
        this.headers = headers;
        this.listener = listener;
        this.counters = counters;
        this.callerSeen = callerSeen;
        this.snapshots = snapshots;
    }

    ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(PeerGrpc.getServiceDescriptor())
                .addMethod(PeerGrpc.getStreamMethod(), this::startStream)
                .addMethod(PeerGrpc.getSnapshotMethod(), snapshots.handler(this::admit))
                .addMethod(PeerGrpc.getProbeMethod(), this::startProbe)
                .build();
    }

    /** Calls refused so far, for any reason. */
    long refusedCalls() {
        return refusedCalls.sum();
    }

    /**
     * Closes a call that may not proceed and returns false, or returns true. Callers that pass are
     * made known to the transport.
     */
    boolean admit(ServerCall<?, ?> call, Metadata callHeaders) {
        Optional<PeerRefusal> refusal = headers.refusal(callHeaders);
        if (refusal.isPresent()) {
            refuse(call, refusal.get(), callHeaders);
            return false;
        }
        callerSeen.accept(callHeaders, PeerHeaders.from(callHeaders));
        return true;
    }

    private void refuse(ServerCall<?, ?> call, PeerRefusal refusal, Metadata callHeaders) {
        refusedCalls.increment();
        if (refusal == PeerRefusal.CLUSTER_ID_MISMATCH) {
            LOG.log(Level.ERROR, headers.clusterIdMismatch(callHeaders));
        } else {
            LOG.log(Level.WARNING, "refused a peer call: " + refusal.words());
        }
        call.close(refusal.status(), new Metadata());
    }

    private ServerCall.Listener<MessageBatch> startStream(
            ServerCall<MessageBatch, StreamEnd> call, Metadata callHeaders) {
        if (!admit(call, callHeaders)) {
            return new ServerCall.Listener<>() {};
        }
        long from = PeerHeaders.from(callHeaders);
        PeerCounters received = counters.apply(from);
        call.sendHeaders(new Metadata()); // tells the sender its stream is accepted
        call.request(1);
        return new ServerCall.Listener<>() {
            @Override
            public void onMessage(MessageBatch batch) {
                if (headers.isRemoved(from)) {
                    refuse(call, PeerRefusal.REMOVED_MEMBER, callHeaders);
                    return;
                }
                received.receivedBatches.increment();
                received.receivedBytes.add(batch.getSerializedSize());
                received.receivedMessages.add(batch.getMessagesCount());
                for (Message message : batch.getMessagesList()) {
                    if (!listener.onMessage(message)) {
                        received.receiveDrops.increment();
                    }
                }
                call.request(1);
            }

            @Override
            public void onHalfClose() {
                call.close(Status.OK, new Metadata());
            }
        };
    }

    private ServerCall.Listener<ProbeRequest> startProbe(
            ServerCall<ProbeRequest, ProbeReply> call, Metadata callHeaders) {
        if (!admit(call, callHeaders)) {
            return new ServerCall.Listener<>() {};
        }
        call.request(1);
        return new ServerCall.Listener<>() {
            @Override
            public void onHalfClose() {
                call.sendHeaders(new Metadata());
                call.sendMessage(ProbeReply.getDefaultInstance());
                call.close(Status.OK, new Metadata());
            }
        };
    }
}
