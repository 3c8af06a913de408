package io.etcetera.it;

import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of member processes on loopback, bootstrapped together from {@code --initial-cluster}
 * (as etcd's Procfile starts three): each member on its own data dir, free client and peer ports,
 * with Raft timing of 50 ms heartbeats and a 500 ms election timeout. Members can be killed
 * (SIGKILL), restarted, and new ones joined with {@code --initial-cluster-state existing}. Peer
 * URLs are {@code http}, or {@code https} when the flags carry etcd's {@code --peer-*} TLS files.
 * Owned by one test class; closing it stops every member.
 */
public final class ProcessCluster implements AutoCloseable {

    public static final String TOKEN = "etcetera-it";
    public static final List<String> TIMING =
            List.of("--heartbeat-interval", "50", "--election-timeout", "500");

    private final Path dir;
    private final List<String> extraFlags;
    /** {@code http}, or {@code https} for peer TLS. */
    private final String peerScheme;
    private final List<String> names = new ArrayList<>();
    private final List<Integer> peerPorts = new ArrayList<>();
    private final List<MemberProcess> members = new ArrayList<>();
    /** Every port handed out: free ports are picked before they are bound, so none repeats. */
    private final java.util.Set<Integer> usedPorts = new java.util.HashSet<>();

    private ProcessCluster(Path dir, List<String> extraFlags, String peerScheme) {
        this.dir = dir;
        this.extraFlags = List.copyOf(extraFlags);
        this.peerScheme = peerScheme;
    }

    /** Starts {@code size} members of a new cluster and waits until each is healthy. */
    public static ProcessCluster start(Path dir, int size, List<String> extraFlags)
            throws IOException {
        return start(dir, size, extraFlags, "http");
    }

    /**
     * Starts {@code size} members of a new cluster on {@code peerScheme} peer URLs ({@code https}
     * needs {@code --peer-cert-file} and {@code --peer-key-file} in {@code extraFlags}) and waits
     * until each is healthy.
     */
    public static ProcessCluster start(Path dir, int size, List<String> extraFlags,
            String peerScheme) throws IOException {
        ProcessCluster cluster = new ProcessCluster(dir, extraFlags, peerScheme);
        for (int i = 0; i < size; i++) {
            cluster.names.add("m" + i);
            cluster.peerPorts.add(cluster.unusedPort());
        }
        try {
            for (int i = 0; i < size; i++) {
                cluster.members.add(MemberProcess.launch(dir.resolve(cluster.names.get(i)),
                        cluster.flags(i, "new"), cluster.unusedPort()));
            }
            cluster.members.forEach(MemberProcess::awaitHealthy);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** A free port not handed out before by this cluster. */
    private int unusedPort() throws IOException {
        int port = MemberProcess.freePort();
        while (!usedPorts.add(port)) {
            port = MemberProcess.freePort();
        }
        return port;
    }

    /** etcd's flags for member {@code i}. */
    private List<String> flags(int i, String state) {
        List<String> flags = new ArrayList<>(List.of("--name", names.get(i),
                "--listen-peer-urls", peerUrl(i), "--initial-advertise-peer-urls", peerUrl(i),
                "--initial-cluster", initialCluster(), "--initial-cluster-state", state,
                "--initial-cluster-token", TOKEN));
        flags.addAll(TIMING);
        flags.addAll(extraFlags);
        return flags;
    }

    public String peerUrl(int i) {
        return peerScheme + "://127.0.0.1:" + peerPorts.get(i);
    }

    /** {@code --initial-cluster} listing every member started or reserved so far. */
    public String initialCluster() {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            pairs.add(names.get(i) + "=" + peerUrl(i));
        }
        return String.join(",", pairs);
    }

    /** Reserves a name and peer port for a member to add; returns its index. */
    public int reserve(String name) throws IOException {
        names.add(name);
        peerPorts.add(unusedPort());
        members.add(null);
        return names.size() - 1;
    }

    /** Starts reserved member {@code i} joining the running cluster, and waits for health. */
    public MemberProcess join(int i) throws IOException {
        MemberProcess member = MemberProcess.launch(dir.resolve(names.get(i)),
                flags(i, "existing"), unusedPort());
        members.set(i, member);
        member.awaitHealthy();
        return member;
    }

    public List<MemberProcess> members() {
        return members;
    }

    public MemberProcess member(int i) {
        return members.get(i);
    }

    /** Forgets member {@code i} (it was removed and stopped). */
    public void forget(int i) {
        members.set(i, null);
    }

    /** Every running member's client URL, comma-separated. */
    public String endpoints() {
        return String.join(",", members.stream().filter(m -> m != null && m.isAlive())
                .map(MemberProcess::url).toList());
    }

    /** The index of the member that leads now, as a live member's status reports it. */
    public int leaderIndex(Duration atMost) {
        int[] leader = {-1};
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            for (int i = 0; i < members.size(); i++) {
                MemberProcess member = members.get(i);
                if (member == null || !member.isAlive()) {
                    continue;
                }
                StatusResponse status = status(member);
                if (status.getLeader() != 0 && status.getLeader() == status.getHeader()
                        .getMemberId()) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    /** Maintenance.Status of one member. */
    public static StatusResponse status(MemberProcess member) throws Exception {
        try (Client client = Client.builder().endpoints(member.url()).build()) {
            return client.getMaintenanceClient().statusMember(member.url())
                    .get(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        for (MemberProcess member : members) {
            if (member != null) {
                try {
                    member.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
