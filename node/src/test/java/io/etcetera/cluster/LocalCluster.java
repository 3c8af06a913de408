package io.etcetera.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberAddResponse;
import io.etcd.jetcd.maintenance.StatusResponse;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A cluster of real member processes on loopback, one per slot, with a {@link PeerProxy} in front
 * of each member's peer port and one {@link Links} table for the network between them. Slots keep
 * their ports for the whole run: a member replaced through the Cluster API (removed, wiped, added
 * again as a new member) comes back in the same slot, so clients keep their endpoints.
 *
 * <p>Driven by one thread at a time (the test, then the nemesis); the proxies run their own.
 */
final class LocalCluster implements AutoCloseable {

    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    final Links links = new Links();
    private final List<ClusterMember> members = new ArrayList<>();
    private final List<PeerProxy> proxies = new ArrayList<>();
    private final long[] memberIds;
    private final int[] generations;
    private final List<Client> admins = new ArrayList<>();

    private LocalCluster(int size) {
        memberIds = new long[size];
        generations = new int[size];
    }

    /** Starts {@code size} members of {@code kind} under {@code dir} and waits for health. */
    static LocalCluster start(MemberKind kind, int size, Path dir, Duration startMax)
            throws Exception {
        LocalCluster cluster = new LocalCluster(size);
        try {
            for (int slot = 0; slot < size; slot++) {
                int peerPort = freePort();
                PeerProxy proxy = new PeerProxy(slot, peerPort, cluster.links,
                        cluster::slotsByPid);
                cluster.proxies.add(proxy);
                cluster.members.add(new ClusterMember(slot, kind, dir.resolve("m" + slot),
                        freePort(), peerPort, proxy.port()));
            }
            String initialCluster = cluster.members.stream()
                    .map(member -> "m" + member.slot + "=" + member.peerUrl())
                    .collect(Collectors.joining(","));
            for (ClusterMember member : cluster.members) {
                List<String> flags = new ArrayList<>(List.of("--initial-cluster",
                        initialCluster, "--initial-cluster-state", "new",
                        "--initial-cluster-token", "etcetera-faults"));
                flags.addAll(kind.snapshotFlags());
                member.start("m" + member.slot, flags);
                cluster.admins.add(Client.builder().endpoints(member.clientUrl())
                        .retryMaxAttempts(0).build());
            }
            cluster.awaitHealthy(startMax);
            for (int slot = 0; slot < size; slot++) {
                cluster.memberIds[slot] = cluster.status(slot).getHeader().getMemberId();
            }
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    int size() {
        return members.size();
    }

    ClusterMember member(int slot) {
        return members.get(slot);
    }

    List<String> clientUrls() {
        return members.stream().map(ClusterMember::clientUrl).toList();
    }

    /** A client of the member in {@code slot} alone, with no retries. */
    Client admin(int slot) {
        return admins.get(slot);
    }

    long memberId(int slot) {
        return memberIds[slot];
    }

    private Map<Long, Integer> slotsByPid() {
        Map<Long, Integer> slots = new HashMap<>();
        for (ClusterMember member : members) {
            if (member.isAlive()) {
                slots.put(member.pid(), member.slot);
            }
        }
        return slots;
    }

    StatusResponse status(int slot) throws Exception {
        return admin(slot).getMaintenanceClient().statusMember(member(slot).clientUrl())
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The slot of the leader as the first live member that knows one says, if any. */
    OptionalInt leaderSlot() {
        for (int slot = 0; slot < size(); slot++) {
            if (!member(slot).isAlive() || member(slot).isPaused()) {
                continue;
            }
            try {
                long leader = status(slot).getLeader();
                for (int candidate = 0; candidate < size(); candidate++) {
                    if (memberIds[candidate] == leader) {
                        return OptionalInt.of(candidate);
                    }
                }
            } catch (Exception e) {
                // this member cannot tell; ask the next
            }
        }
        return OptionalInt.empty();
    }

    /** Waits until every member answers {@code /health} true. */
    void awaitHealthy(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!members.stream().allMatch(ClusterMember::healthy)) {
            for (ClusterMember member : members) {
                if (!member.isAlive() && !member.isPaused()) {
                    throw new AssertionError(member + " exited; see " + member.log());
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("cluster not healthy within " + max + ": " + health());
            }
            Thread.sleep(100);
        }
    }

    String health() {
        return members.stream().map(member -> member.name() + "=" + member.healthy())
                .collect(Collectors.joining(", "));
    }

    /** Asks the leader to hand leadership to the member in {@code slot}. */
    void moveLeader(int leaderSlot, int slot) throws Exception {
        admin(leaderSlot).getMaintenanceClient().moveLeader(memberIds[slot])
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Removes the member in {@code slot} through the Cluster API, asked of {@code viaSlot}. */
    void removeMember(int slot, int viaSlot) throws Exception {
        admin(viaSlot).getClusterClient().removeMember(memberIds[slot])
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Kills the removed member in {@code slot}, wipes its data and adds it back through {@code
     * viaSlot} as a new member with a new ID and name, started with {@code
     * --initial-cluster-state existing}. Does not wait for it to catch up.
     */
    void addBack(int slot, int viaSlot) throws Exception {
        ClusterMember member = member(slot);
        member.kill();
        member.wipe();
        MemberAddResponse added = admin(viaSlot).getClusterClient()
                .addMember(List.of(URI.create(member.peerUrl())))
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        memberIds[slot] = added.getMember().getId();
        String name = "m" + slot + "g" + ++generations[slot];
        List<String> initial = new ArrayList<>();
        for (Member existing : added.getMembers()) {
            String existingName = existing.getId() == memberIds[slot] ? name : existing.getName();
            for (URI peer : existing.getPeerURIs()) {
                initial.add(existingName + "=" + peer);
            }
        }
        List<String> flags = new ArrayList<>(List.of("--initial-cluster",
                String.join(",", initial), "--initial-cluster-state", "existing",
                "--initial-cluster-token", "etcetera-faults"));
        flags.addAll(member.kind.snapshotFlags());
        member.start(name, flags);
    }

    /**
     * Whether the members serve MemberRemove: removing an ID no member has must fail with
     * etcd's "member not found", not with a missing method.
     */
    boolean servesMemberRemove() throws Exception {
        try {
            admin(0).getClusterClient().removeMember(0x5eed).get(CALL_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
            throw new AssertionError("removing member 5eed, which does not exist, succeeded");
        } catch (java.util.concurrent.ExecutionException refused) {
            return !String.valueOf(refused.getMessage()).toLowerCase().contains("unimplemented");
        }
    }

    /**
     * Heals the network, resumes paused members, restarts killed ones.
     *
     * @throws AssertionError if a member died without being killed: a crash is a finding, and
     *     restarting it would hide it
     */
    void heal() throws IOException, InterruptedException {
        links.heal();
        proxies.forEach(PeerProxy::cutDamaged);
        for (ClusterMember member : members) {
            if (member.isPaused()) {
                member.resume();
            }
            if (member.wasKilled()) {
                member.restart();
            } else if (!member.isAlive()) {
                throw new AssertionError(member + " exited on its own; see " + member.log());
            }
        }
    }

    /** Cuts the proxied connections across links that drop now (start of a partition). */
    void cutDropping() {
        proxies.forEach(PeerProxy::cutDropping);
    }

    /** Cuts the connections that lost bytes while their links dropped (end of a partition). */
    void cutDamaged() {
        proxies.forEach(PeerProxy::cutDamaged);
    }

    /** HashKV of each member at {@code revision}, by slot. */
    List<Integer> hashes(long revision) throws Exception {
        List<Integer> hashes = new ArrayList<>();
        for (int slot = 0; slot < size(); slot++) {
            hashes.add(admin(slot).getMaintenanceClient()
                    .hashKV(member(slot).clientUrl(), revision)
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getHash());
        }
        return hashes;
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        admins.forEach(Client::close);
        for (ClusterMember member : members) {
            member.stop();
        }
        for (PeerProxy proxy : proxies) {
            proxy.close();
        }
    }
}
