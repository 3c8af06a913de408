package io.etcetera.transport;

import io.etcetera.transport.RecordingListener.SnapshotOutcome;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Run in a JVM with a small heap by {@link SnapshotTransferTest}: two transports, one snapshot of
 * the given size from the first to the second, then one line starting with {@link #RESULT}: the
 * outcome, whether the stored file's SHA-256 equals the sent data's, and the peak heap use.
 * Arguments: a working directory, the snapshot's size in bytes.
 */
final class SnapshotHeapCheck {

    static final String RESULT = "snapshot-heap-check:";

    private SnapshotHeapCheck() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            TestMember.connect(a, b);
            SnapshotData data = new SnapshotData(11, bytes);
            a.transport.sendSnapshot(
                    new OutgoingSnapshot(SnapshotData.msgSnap(1, 2, 77), data, bytes));
            SnapshotOutcome outcome = a.listener.snapshotOutcomes.poll(50, TimeUnit.SECONDS);
            ReceivedSnapshot received = b.listener.snapshots.poll(1, TimeUnit.SECONDS);
            boolean equal =
                    received != null
                            && SnapshotTransferTest.sha256Hex(received.dataFile())
                                    .equals(data.yieldedSha256Hex());
            System.out.printf(
                    "%s %s, checksum %s, %d MiB sent, peak heap %d MiB of %d MiB%n",
                    RESULT,
                    outcome == null ? "no outcome" : outcome.status(),
                    equal ? "equal" : "different",
                    bytes >> 20,
                    peakHeapBytes() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
        System.exit(0);
    }

    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
