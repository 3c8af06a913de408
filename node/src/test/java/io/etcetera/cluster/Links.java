package io.etcetera.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of the network between members, one directed link per pair of member slots: open,
 * dropping everything sent on it, or delaying it by some milliseconds. The {@link PeerProxy}s read
 * it for every chunk they forward; the {@link Nemesis} changes it. A link not listed is open.
 *
 * <p>Thread-safe: written by the nemesis thread, read by every proxy pump.
 */
final class Links {

    /** A directed link: bytes that member slot {@code from} sends to member slot {@code to}. */
    record Link(int from, int to) {}

    /** What a faulty link does: drop everything, or hold each chunk {@code delayMillis}. */
    record Fault(boolean drop, long delayMillis) {
        static final Fault DROP = new Fault(true, 0);
    }

    private final Map<Link, Fault> faults = new ConcurrentHashMap<>();

    /** Drops everything {@code from} sends to {@code to} until {@link #heal}. */
    void drop(int from, int to) {
        faults.put(new Link(from, to), Fault.DROP);
    }

    /** Holds what {@code from} sends to {@code to} for {@code delayMillis} until {@link #heal}. */
    void delay(int from, int to, long delayMillis) {
        faults.put(new Link(from, to), new Fault(false, delayMillis));
    }

    /** Opens every link. */
    void heal() {
        faults.clear();
    }

    boolean dropping(int from, int to) {
        Fault fault = faults.get(new Link(from, to));
        return fault != null && fault.drop();
    }

    long delayMillis(int from, int to) {
        Fault fault = faults.get(new Link(from, to));
        return fault == null ? 0 : fault.delayMillis();
    }

    /** Whether any link is faulty. */
    boolean faulty() {
        return !faults.isEmpty();
    }
}
