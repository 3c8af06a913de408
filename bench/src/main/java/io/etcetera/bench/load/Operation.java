package io.etcetera.bench.load;

/**
 * What one client sends for one request of a {@link ClosedLoop}: a put, a range, a keepalive...
 * Implementations start the request asynchronously and end it with exactly one call to the
 * completion, from any thread. They must not block: they run on Netty event-loop threads.
 */
@FunctionalInterface
public interface Operation {
    /**
     * Starts request number {@code sequence} (0-based, over all clients) for client
     * {@code clientIndex}.
     */
    void start(int clientIndex, long sequence, RequestCompletion completion);
}
