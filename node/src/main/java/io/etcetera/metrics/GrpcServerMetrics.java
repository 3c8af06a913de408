package io.etcetera.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * go-grpc-prometheus's server metrics, which etcd registers on its gRPC server: {@code
 * grpc_server_started_total}, {@code grpc_server_handled_total} (with {@code grpc_code}), {@code
 * grpc_server_msg_received_total}, {@code grpc_server_msg_sent_total} and {@code
 * grpc_server_handling_seconds}, labelled {@code grpc_type}, {@code grpc_service}, {@code
 * grpc_method}. As etcd does, every method of the served services is registered at start with
 * every code at zero, so rates exist before the first failure. Each method's meters are resolved
 * once; a call looks its method up by name and increments, with no tag lookup.
 *
 * <p>Codes carry Go's names ({@code OK}, {@code Canceled}, {@code DeadlineExceeded}, ...), as
 * etcd's alert rules match on them. A call the client cancels counts as {@code Canceled} unless
 * the server closed it first. Immutable after construction; calls run on any gRPC thread.
 */
public final class GrpcServerMetrics implements ServerInterceptor {

    /** Go's {@code codes.Code.String()} for each grpc-java code, by ordinal. */
    private static final String[] GO_CODE_NAMES = goCodeNames();

    /** The meters of one method. */
    private record MethodMeters(
            Counter started, Counter[] handled, Counter received, Counter sent, Timer handling) {}

    private final Map<String, MethodMeters> byMethod = new HashMap<>();

    /** Registers the meters of every method of {@code services}. */
    public GrpcServerMetrics(List<ServerServiceDefinition> services) {
        for (ServerServiceDefinition service : services) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
                byMethod.put(descriptor.getFullMethodName(), register(descriptor));
            }
        }
    }

    private static MethodMeters register(MethodDescriptor<?, ?> descriptor) {
        Tags tags = Tags.of("grpc_type", type(descriptor.getType()),
                "grpc_service", descriptor.getServiceName(),
                "grpc_method", descriptor.getBareMethodName());
        Counter[] handled = new Counter[GO_CODE_NAMES.length];
        for (int i = 0; i < handled.length; i++) {
            handled[i] = counter("grpc_server_handled_total",
                    "RPCs completed on the server, whatever their outcome.",
                    tags.and("grpc_code", GO_CODE_NAMES[i]));
        }
        return new MethodMeters(
                counter("grpc_server_started_total", "RPCs started on the server.", tags),
                handled,
                counter("grpc_server_msg_received_total",
                        "RPC stream messages received on the server.", tags),
                counter("grpc_server_msg_sent_total",
                        "RPC stream messages sent by the server.", tags),
                Histograms.timer("grpc_server_handling_seconds",
                        "Time from an RPC's start until the server closed it.",
                        Histograms.seconds(Histograms.DEFAULT_SECONDS), tags));
    }

    private static Counter counter(String name, String help, Tags tags) {
        return Counter.builder(name).description(help).tags(tags)
                .register(EtcdRegistry.REGISTRY);
    }

    private static String type(MethodDescriptor.MethodType type) {
        return switch (type) {
            case UNARY -> "unary";
            case CLIENT_STREAMING -> "client_stream";
            case SERVER_STREAMING -> "server_stream";
            case BIDI_STREAMING, UNKNOWN -> "bidi_stream";
        };
    }

    private static String[] goCodeNames() {
        Status.Code[] codes = Status.Code.values();
        String[] names = new String[codes.length];
        for (Status.Code code : codes) {
            names[code.ordinal()] = switch (code) {
                case OK -> "OK";
                case CANCELLED -> "Canceled";
                default -> camelCase(code.name());
            };
        }
        return names;
    }

    /** {@code DEADLINE_EXCEEDED} as {@code DeadlineExceeded}. */
    private static String camelCase(String upperSnake) {
        StringBuilder name = new StringBuilder();
        for (String word : upperSnake.split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        MethodMeters meters = byMethod.get(call.getMethodDescriptor().getFullMethodName());
        if (meters == null) {
            return next.startCall(call, headers); // a service added without its meters
        }
        meters.started().increment();
        MonitoredCall<Q, R> monitored = new MonitoredCall<>(call, meters);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                next.startCall(monitored, headers)) {
            @Override
            public void onMessage(Q message) {
                meters.received().increment();
                super.onMessage(message);
            }

            @Override
            public void onCancel() {
                monitored.handled(Status.Code.CANCELLED);
                super.onCancel();
            }
        };
    }

    /** One call: counts what it sends and, once, how it ended. */
    private static final class MonitoredCall<Q, R>
            extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<MonitoredCall> HANDLED =
                AtomicIntegerFieldUpdater.newUpdater(MonitoredCall.class, "handled");

        private final MethodMeters meters;
        private final long startNanos = System.nanoTime();
        /** 1 once the outcome was counted, by close or by a cancellation, whichever came first. */
        private volatile int handled;

        MonitoredCall(ServerCall<Q, R> call, MethodMeters meters) {
            super(call);
            this.meters = meters;
        }

        @Override
        public void sendMessage(R message) {
            meters.sent().increment();
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            handled(status.getCode());
            super.close(status, trailers);
        }

        void handled(Status.Code code) {
            if (!HANDLED.compareAndSet(this, 0, 1)) {
                return;
            }
            meters.handled()[code.ordinal()].increment();
            meters.handling().record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }
}
