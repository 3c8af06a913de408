package io.etcetera.raft.sim;

import io.etcetera.raft.pb.Message;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The simulated network between nodes: every message takes a random latency (so messages
 * overtake each other), and may be dropped, duplicated or delayed by a spike as
 * {@link NetworkFaults} say. Partitions block directed links: symmetric splits, one-way cuts,
 * an isolated node; a message whose link is blocked when it is sent or when it would arrive is
 * lost, as when a connection breaks. Scenarios may also drop the messages a filter matches.
 *
 * <p>Lost messages stay queued until their delivery instant, marked lost, so the sender's
 * transport can report the outcome (snapshot failed, peer unreachable) at a realistic time.
 * Invariant: deliveries come out in (instant, send order) order, so a seed replays exactly.
 * Confined to the simulation's single thread.
 */
final class SimNetwork {

    /**
     * A message due at {@code instant}, or its loss.
     *
     * @param senderIncarnation which run of the sending node sent it (reports go only to it)
     */
    record Delivery(long instant, long sequence, Message message, int senderIncarnation,
                    boolean lost) {}

    private final SplittableRandom random;
    private final PriorityQueue<Delivery> inFlight = new PriorityQueue<>(
            Comparator.comparingLong(Delivery::instant).thenComparingLong(Delivery::sequence));
    /** Blocked directed links, as {@code from << 32 | to}. */
    private final Set<Long> blocked = new HashSet<>();
    private NetworkFaults faults = NetworkFaults.CALM;
    /** Scripted drops, for scenarios: a message matching it is lost. */
    private Predicate<Message> dropFilter = message -> false;
    private long sent;

    SimNetwork(SplittableRandom random) {
        this.random = random;
    }

    NetworkFaults faults() {
        return faults;
    }

    void setFaults(NetworkFaults faults) {
        this.faults = faults;
    }

    /** Queues {@code message} sent at {@code now}, with its fate drawn now. */
    void send(Message message, int senderIncarnation, long now) {
        boolean lost = isBlocked(message.getFrom(), message.getTo()) || dropFilter.test(message)
                || random.nextInt(1000) < faults.dropPerMille();
        queue(message, senderIncarnation, now, lost);
        if (!lost && random.nextInt(1000) < faults.duplicatePerMille()) {
            queue(message, senderIncarnation, now, false);
        }
    }

    private void queue(Message message, int senderIncarnation, long now, boolean lost) {
        long latency = faults.latencyMinInstants() + random.nextInt(
                faults.latencyMaxInstants() - faults.latencyMinInstants() + 1);
        if (faults.spikeMaxInstants() > 0 && random.nextInt(1000) < faults.spikePerMille()) {
            latency += 1 + random.nextInt(faults.spikeMaxInstants());
        }
        inFlight.add(new Delivery(now + latency, sent++, message, senderIncarnation, lost));
    }

    /** The deliveries due at or before {@code now}, in order; blocked links lose theirs. */
    List<Delivery> takeDue(long now) {
        List<Delivery> due = new ArrayList<>();
        while (!inFlight.isEmpty() && inFlight.peek().instant() <= now) {
            Delivery delivery = inFlight.poll();
            Message message = delivery.message();
            if (!delivery.lost() && isBlocked(message.getFrom(), message.getTo())) {
                delivery = new Delivery(delivery.instant(), delivery.sequence(), message,
                        delivery.senderIncarnation(), true);
            }
            due.add(delivery);
        }
        return due;
    }

    int inFlightCount() {
        return inFlight.size();
    }

    boolean isBlocked(long from, long to) {
        return blocked.contains(from << 32 | to);
    }

    /** Blocks messages from {@code from} to {@code to} (one way). */
    void block(long from, long to) {
        blocked.add(from << 32 | to);
    }

    /** Cuts every link between {@code side} and {@code rest}, both ways. */
    void partition(Set<Long> side, Set<Long> rest) {
        for (long a : side) {
            for (long b : rest) {
                block(a, b);
                block(b, a);
            }
        }
    }

    /** Cuts {@code node} off from {@code others}, both ways. */
    void isolate(long node, Set<Long> others) {
        partition(Set.of(node), others);
    }

    /** Loses every message matching {@code filter} from now on, besides the others. */
    void dropIf(Predicate<Message> filter) {
        dropFilter = dropFilter.or(filter);
    }

    /** Removes every partition and drop filter; the faults stay as they are. */
    void heal() {
        blocked.clear();
        dropFilter = message -> false;
    }

    boolean partitioned() {
        return !blocked.isEmpty();
    }

    /** The blocked links, as "a>b" pairs, for reports. */
    String describePartitions() {
        List<String> links = new ArrayList<>();
        for (long link : blocked) {
            links.add((link >>> 32) + ">" + (link & 0xffffffffL));
        }
        links.sort(null);
        return links.isEmpty() ? "none" : String.join(" ", links);
    }
}
