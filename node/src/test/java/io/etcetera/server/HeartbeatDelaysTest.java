package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.metrics.ServerMetrics;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;

import org.junit.jupiter.api.Test;

import java.util.List;

class HeartbeatDelaysTest {

    private static final long HEARTBEAT_MILLIS = 100;

    private static List<Message> heartbeats(long... peers) {
        return java.util.Arrays.stream(peers).mapToObj(peer -> Message.newBuilder()
                .setType(MessageType.MsgHeartbeat).setTo(peer).build()).toList();
    }

    private static double failures() {
        return ServerMetrics.HEARTBEAT_SEND_FAILURES.count();
    }

    @Test
    void aHeartbeatLaterThanTwoIntervalsAfterTheLastIsAFailure() {
        HeartbeatDelays delays = new HeartbeatDelays(HEARTBEAT_MILLIS);
        double before = failures();
        delays.observe(true, heartbeats(2, 3), 1_000);
        delays.observe(true, heartbeats(2, 3), 1_100);
        delays.observe(true, heartbeats(2), 1_300); // exactly twice the interval: on time
        assertThat(failures()).isEqualTo(before);
        delays.observe(true, heartbeats(2, 3), 1_501); // 201 ms after 2's, 401 ms after 3's
        assertThat(failures()).isEqualTo(before + 2);
    }

    @Test
    void onlyHeartbeatsCountAndAFollowerForgetsItsPeers() {
        HeartbeatDelays delays = new HeartbeatDelays(HEARTBEAT_MILLIS);
        double before = failures();
        delays.observe(true, List.of(Message.newBuilder().setType(MessageType.MsgApp)
                .setTo(2).build()), 1_000);
        delays.observe(true, heartbeats(2), 2_000); // the first heartbeat to 2
        delays.observe(false, heartbeats(), 3_000); // lost leadership
        delays.observe(true, heartbeats(2), 9_000); // a new term starts clean
        assertThat(failures()).isEqualTo(before);
    }
}
