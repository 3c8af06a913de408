package io.etcetera.api;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/**
 * Makes the client port's threads (daemon, named {@code <prefix>-<pool>-<n>}, Netty's fast
 * thread-locals) and remembers each, so a stop can join them and leave no thread behind.
 * Thread-safe: pools start threads lazily, from any thread.
 */
final class PortThreads {

    private final List<Thread> started = new CopyOnWriteArrayList<>();

    /** A factory for one pool whose threads are named from {@code prefix}. */
    ThreadFactory named(String prefix) {
        ThreadFactory netty = new DefaultThreadFactory(prefix, true);
        return task -> {
            Thread thread = netty.newThread(task);
            started.add(thread);
            return thread;
        };
    }

    /** The threads made so far. */
    List<Thread> started() {
        return List.copyOf(started);
    }
}
