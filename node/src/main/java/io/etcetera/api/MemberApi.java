package io.etcetera.api;

import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcetera.config.EtcdConfig;
import io.etcetera.server.Member;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

import com.google.protobuf.ByteString;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the client port serves for one member: etcd's gRPC services over the member's facade, and
 * the health checks behind {@code /health}, {@code /livez} and {@code /readyz}. Stateless.
 */
public final class MemberApi {

    /** The key a health check's serializable read asks for, as etcd's checks read "health". */
    private static final RangeRequest HEALTH_READ = RangeRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("health")).setSerializable(true).build();

    /** etcd's CORRUPT alarm type, which jetcd's protobuf predates. */
    private static final int ALARM_CORRUPT = 2;

    private MemberApi() {}

    /**
     * KV, Maintenance and Cluster over {@code member}, with {@code config}'s request limits; while
     * the member is a learner, only what etcd lets a learner serve ({@link LearnerGate}).
     */
    public static List<ServerServiceDefinition> services(Member member, EtcdConfig config) {
        // The services implement the generated AsyncService interfaces, not the BindableService
        // base classes, which Quarkus would discover and serve on a gRPC port of its own.
        List<ServerServiceDefinition> services = List.of(
                KVGrpc.bindService(new KvService(member.kv(), config.clientLimits().maxTxnOps())),
                MaintenanceGrpc.bindService(new MaintenanceService(member)),
                new ClusterService(member.cluster()).definition());
        LearnerGate learnerGate = new LearnerGate(
                () -> member.cluster().isLearner(member.memberId()));
        return services.stream()
                .map(service -> ServerInterceptors.intercept(service, learnerGate)).toList();
    }

    /**
     * etcd's checks: {@code /health} fails on any alarm not excluded, without a leader, or when a
     * linearizable read fails (etcd 3.4's {@code checkHealth}); {@code /livez} serves a
     * serializable read; {@code /readyz} also checks for data corruption and a linearizable read.
     */
    public static HealthChecks healthChecks(Member member) {
        HealthCheck serializableRead = new HealthCheck("serializable_read",
                () -> member.kv().range(HEALTH_READ, Replies.callExecutor())
                        .thenApply(response -> null));
        HealthCheck linearizableRead = new HealthCheck("linearizable_read",
                () -> member.linearizableBarrier().exceptionallyCompose(MemberApi::failure));
        HealthCheck dataCorruption = new HealthCheck("data_corruption", () -> {
            boolean corrupt = member.maintenance().alarms().stream()
                    .anyMatch(alarm -> alarm.getAlarmValue() == ALARM_CORRUPT);
            return corrupt ? CompletableFuture.failedFuture(
                    new IllegalStateException("the cluster has a CORRUPT alarm"))
                    : CompletableFuture.completedFuture(null);
        });
        return new HealthChecks(excluded -> health(member, excluded), List.of(serializableRead),
                List.of(dataCorruption, serializableRead, linearizableRead));
    }

    private static CompletionStage<Boolean> health(Member member, Set<String> excludedAlarms) {
        for (AlarmMember alarm : member.maintenance().alarms()) {
            if (!excludedAlarms.contains(alarm.getAlarm().name())) {
                return CompletableFuture.completedFuture(false);
            }
        }
        if (member.leaderId() == 0) {
            return CompletableFuture.completedFuture(false);
        }
        return member.linearizableBarrier().handle((ready, failure) -> failure == null);
    }

    /** A failed check's reason in etcd's words. */
    private static CompletionStage<Void> failure(Throwable failure) {
        return CompletableFuture.failedFuture(
                new IllegalStateException(ServerErrors.toStatus(failure).getStatus()
                        .getDescription()));
    }
}
