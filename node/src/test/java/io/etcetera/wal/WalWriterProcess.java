package io.etcetera.wal;

import io.etcetera.wal.pb.Metadata;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The writer JVM that {@link WalCrashIT} kills: creates a log and applies the {@link WalScript} of
 * a seed, printing each operation's number to stdout only after the call returned (the
 * acknowledgement), until it is killed or reaches the last operation.
 *
 * <p>Arguments: log directory, seed, segment bytes, operation count.
 */
public final class WalWriterProcess {

    static final int WAL_FILES_MAX = 3;

    private WalWriterProcess() {}

    static WalConfig config(long segmentBytes) {
        return WalConfig.DEFAULT.withSegmentBytes(segmentBytes).withWalFilesMax(WAL_FILES_MAX);
    }

    static Metadata metadata(long seed) {
        return Metadata.newBuilder().setMemberId(seed).setClusterId(0xc105e7L).build();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        long segmentBytes = Long.parseLong(args[2]);
        long opCount = Long.parseLong(args[3]);
        PrintStream out = System.out;
        WalScript script = new WalScript(seed);
        try (Wal wal = Wal.create(dir, metadata(seed), config(segmentBytes))) {
            for (long n = 0; n < opCount; n++) {
                WalPropertyTest.apply(wal, script.next());
                out.println(n);
                out.flush();
            }
        }
    }
}
