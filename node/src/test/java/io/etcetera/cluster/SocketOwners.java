package io.etcetera.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Finds which member process opened a loopback TCP connection, from Linux's {@code /proc}: the
 * connecting socket's inode in {@code /proc/net/tcp} (or {@code tcp6}), then the process among the
 * members whose {@code /proc/<pid>/fd} holds that socket. The proxies need it because a member's
 * peer connections all come from ephemeral ports, and a one-way partition must know who sends.
 *
 * <p>Stateless; any thread. Linux only, and only for processes of the same user.
 */
final class SocketOwners {

    private SocketOwners() {}

    /**
     * The slot of the process in {@code slotsByPid} whose socket has local port {@code localPort}
     * and remote port {@code remotePort}, or empty if none is found (the socket closed already).
     */
    static OptionalInt slotOf(int localPort, int remotePort, Map<Long, Integer> slotsByPid) {
        String inode = inodeOf(localPort, remotePort);
        if (inode == null) {
            return OptionalInt.empty();
        }
        String link = "socket:[" + inode + "]";
        for (Map.Entry<Long, Integer> candidate : slotsByPid.entrySet()) {
            if (holds(candidate.getKey(), link)) {
                return OptionalInt.of(candidate.getValue());
            }
        }
        return OptionalInt.empty();
    }

    private static String inodeOf(int localPort, int remotePort) {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (port(fields[1]) == localPort && port(fields[2]) == remotePort
                        && !fields[9].equals("0")) {
                    return fields[9];
                }
            }
        }
        return null;
    }

    /** The port of {@code address:port} as {@code /proc/net/tcp} writes it (hex). */
    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }

    private static boolean holds(long pid, String link) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(link);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }
}
