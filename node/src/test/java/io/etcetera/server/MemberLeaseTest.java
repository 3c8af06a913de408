package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcetera.config.EtcdConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Leases and watches through a member in this JVM on real files: a grant past the backend quota
 * is refused and raises the NOSPACE alarm; a lease and its keys survive a restart (the lessor
 * recovers its records from the store, or from the replayed WAL), the new leader extends its TTL
 * rather than expiring it, and a revoke after the restart deletes its keys with delete events at
 * one revision.
 */
class MemberLeaseTest {

    @TempDir
    Path dir;

    private EtcdConfig config() {
        return EtcdConfig.of("--data-dir", dir.resolve("data").toString());
    }

    private static Member start(EtcdConfig config) throws Exception {
        return Member.start(config, ServerSettings.of(config), InstantSource.system());
    }

    private static ByteString text(String value) {
        return ByteString.copyFromUtf8(value);
    }

    private static long put(Member member, String key, long leaseId) {
        return member.kv().put(PutRequest.newBuilder().setKey(text(key)).setValue(text("v"))
                .setLease(leaseId).build()).join().getHeader().getRevision();
    }

    private static LeaseTimeToLiveResponse timeToLive(Member member, long leaseId) {
        return member.leases().timeToLive(LeaseTimeToLiveRequest.newBuilder().setID(leaseId)
                .setKeys(true).build()).join();
    }

    @Test
    void aGrantPastTheBackendQuotaIsRefusedAndRaisesTheNoSpaceAlarmAsEtcdsQuotaCheckDoes()
            throws Exception {
        EtcdConfig config = EtcdConfig.of("--data-dir", dir.resolve("data").toString(),
                "--quota-backend-bytes", "1");
        try (Member member = start(config)) {
            assertThat(member.maintenance().alarms()).isEmpty();
            LeaseGrantRequest grant = LeaseGrantRequest.newBuilder().setTTL(60).build();
            assertThatThrownBy(() -> member.leases().grant(grant).join())
                    .hasCause(RequestFailedException.of(RequestFailedException.Reason.NO_SPACE));
            await().atMost(Duration.ofSeconds(10)).until(() -> !member.maintenance().alarms()
                    .isEmpty());
            assertThat(member.maintenance().alarms()).singleElement().satisfies(alarm ->
                    assertThat(alarm.getAlarm()).isEqualTo(AlarmType.NOSPACE));
            assertThat(member.leases().leases().ids()).isEmpty();
        }
    }

    @Test
    void aLeaseAndItsKeysSurviveARestartAndItsRevokeDeletesThemAtOneRevision() throws Exception {
        EtcdConfig config = config();
        long leaseId = 0x77;
        try (Member member = start(config)) {
            assertThat(member.leases().grant(LeaseGrantRequest.newBuilder().setID(leaseId)
                    .setTTL(600).build()).join().getTTL()).isEqualTo(600);
            put(member, "leased/a", leaseId);
            put(member, "leased/b", leaseId);
        }
        try (Member member = start(config)) {
            LeaseTimeToLiveResponse restored = timeToLive(member, leaseId);
            assertThat(restored.getGrantedTTL()).isEqualTo(600);
            assertThat(restored.getTTL()).as("restarted from its full TTL plus the extension")
                    .isBetween(590L, 601L);
            assertThat(restored.getKeysList()).containsExactly(text("leased/a"), text("leased/b"));
            assertThat(member.leases().leases().ids()).containsExactly(leaseId);
            List<WatchResponse> responses = new ArrayList<>();
            Semaphore pending = new Semaphore(0);
            try (WatchSession session = member.watches().open(pending::release)) {
                session.create(WatchCreateRequest.newBuilder().setKey(text("leased/"))
                        .setRangeEnd(text("leased0")).build());
                long revision = member.leases().revoke(LeaseRevokeRequest.newBuilder()
                        .setID(leaseId).build()).join().getHeader().getRevision();
                while (responses.stream().mapToInt(WatchResponse::getEventsCount).sum() < 2) {
                    assertThat(pending.tryAcquire(10, TimeUnit.SECONDS))
                            .as("responses pending").isTrue();
                    session.drain(16, responses::add);
                }
                List<WatchResponse> withEvents = responses.stream()
                        .filter(response -> response.getEventsCount() > 0).toList();
                assertThat(withEvents).hasSize(1);
                assertThat(withEvents.get(0).getEventsList()).allSatisfy(event -> {
                    assertThat(event.getType()).isEqualTo(io.etcd.jetcd.api.Event.EventType.DELETE);
                    assertThat(event.getKv().getModRevision()).isEqualTo(revision);
                }).hasSize(2);
            }
            assertThat(member.kv().range(RangeRequest.newBuilder().setKey(text("leased/"))
                    .setRangeEnd(text("leased0")).build(), Runnable::run).join().getCount())
                    .isZero();
            assertThat(timeToLive(member, leaseId).getTTL()).isEqualTo(-1);
            assertThatThrownBy(() -> put(member, "leased/c", leaseId))
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(RequestFailedException.class);
        }
    }
}
