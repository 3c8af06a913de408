package io.etcetera.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A hosts file that only grows: each pod name gets one loopback address for the whole run (a pod
 * re-created under the same name keeps its address, as a StatefulSet-like identity would), so a
 * line once written is never rewritten and readers never see a half-written file.
 *
 * <p>Thread-safe (synchronized); written by the kubelet loop, read by member processes.
 */
public final class HostsFile {

    private final Path file;
    private final Map<String, String> addressByName = new HashMap<>();
    private int nextHost = 1;
    private final int network;

    /** {@code network} picks 127.{network}.x.y, so two runs on one machine do not collide. */
    public HostsFile(Path file, int network) {
        this.file = file;
        this.network = network;
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "127.0.0.1 localhost\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return file;
    }

    /** The address of {@code name}, allocating and publishing one on first use. */
    public synchronized String addressOf(String name) {
        return addressByName.computeIfAbsent(name, n -> {
            String address = "127." + network + "." + nextHost / 250 + "." + (nextHost % 250 + 1);
            nextHost++;
            try {
                Files.writeString(file, address + " " + n + "\n", StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + file, e);
            }
            return address;
        });
    }
}
