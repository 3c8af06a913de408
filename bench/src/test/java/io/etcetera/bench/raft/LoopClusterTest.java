package io.etcetera.bench.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's cluster does what the figure claims: every proposal commits everywhere. */
class LoopClusterTest {

    @Test
    void everyMemberAppliesTheSameLogAfterEachSettle() {
        LoopCluster cluster = new LoopCluster();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < round; i++) {
                cluster.propose(ByteString.copyFromUtf8("r" + round + "-" + i));
            }
            cluster.settle();
        }
        assertThat(cluster.committedProposals()).isEqualTo(190);
        long last = cluster.storage(0).lastIndex();
        List<Entry> leaderLog = cluster.storage(0).entries(1, last + 1, Long.MAX_VALUE);
        for (int i = 0; i < LoopCluster.MEMBERS; i++) {
            assertThat(cluster.applied(i)).as("member %d applied", i + 1).isEqualTo(last);
            assertThat(cluster.storage(i).entries(1, last + 1, Long.MAX_VALUE))
                    .as("member %d's log", i + 1).isEqualTo(leaderLog);
        }
        assertThat(leaderLog.get((int) last - 1).getData().toStringUtf8()).isEqualTo("r19-18");
    }

    @Test
    void storagesAreCompactedOnceQuietSoALongRunKeepsBoundedMemory() {
        LoopCluster cluster = new LoopCluster();
        ByteString data = ByteString.copyFromUtf8("x");
        for (int i = 0; i < LoopCluster.COMPACT_EVERY_ENTRIES + 10; i++) {
            cluster.propose(data);
        }
        cluster.settle();
        for (int i = 0; i < LoopCluster.MEMBERS; i++) {
            assertThat(cluster.storage(i).firstIndex()).as("member %d's first index", i + 1)
                    .isEqualTo(cluster.applied(i) + 1);
        }
        cluster.propose(data);
        cluster.settle();
        assertThat(cluster.committedProposals()).isEqualTo(LoopCluster.COMPACT_EVERY_ENTRIES + 11);
    }
}
