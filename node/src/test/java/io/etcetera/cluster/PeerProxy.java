package io.etcetera.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A fault-injecting TCP proxy on loopback in front of one member's peer port: members advertise
 * the proxy's port as this member's peer URL, so every byte another member sends to it, or it
 * answers on such a connection, passes here. Each connection is tagged with the slot of the member
 * that opened it ({@link SocketOwners}), and each direction obeys its own {@link Links} entry:
 * bytes on a dropping link are thrown away (the connection is then damaged, and cut when the link
 * heals, as a TCP connection through a long outage would have timed out), bytes on a delaying link
 * are held, in order, for the delay.
 *
 * <p>Threads: one accepting; per connection, a reader and a writer per direction. {@link #close}
 * ends them all. Bounded: at most {@link #CHUNKS_QUEUED_MAX} chunks wait per direction; a full
 * queue stops the reader, which pushes back on the sender as TCP does.
 */
final class PeerProxy implements AutoCloseable {

    static final int CHUNKS_QUEUED_MAX = 256;
    private static final int CHUNK_BYTES_MAX = 16 << 10;
    private static final int OWNER_LOOKUPS_MAX = 5;

    private final int slot;
    private final int targetPort;
    private final Links links;
    private final Supplier<Map<Long, Integer>> slotsByPid;
    private final ServerSocket listener;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    /** Proxies to {@code targetPort}, the peer port of the member in {@code slot}. */
    PeerProxy(int slot, int targetPort, Links links, Supplier<Map<Long, Integer>> slotsByPid)
            throws IOException {
        this.slot = slot;
        this.targetPort = targetPort;
        this.links = links;
        this.slotsByPid = slotsByPid;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "peer-proxy-" + slot + "-accept");
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Cuts every connection that lost bytes to a dropping link. */
    void cutDamaged() {
        connections.stream().filter(connection -> connection.damaged).forEach(Connection::cut);
    }

    /** Cuts every connection to or from a member whose link with this one is dropping now. */
    void cutDropping() {
        connections.stream()
                .filter(c -> links.dropping(c.source, slot) || links.dropping(slot, c.source))
                .forEach(Connection::cut);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                daemon(() -> connect(client), "peer-proxy-" + slot + "-connect");
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        OptionalInt source = OptionalInt.empty();
        for (int lookup = 0; lookup < OWNER_LOOKUPS_MAX && source.isEmpty(); lookup++) {
            source = SocketOwners.slotOf(client.getPort(), port(), slotsByPid.get());
            if (source.isEmpty()) {
                pause(20);
            }
        }
        try {
            if (source.isEmpty()) {
                client.close();
                return;
            }
            Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            Connection connection = new Connection(source.getAsInt(), client, target);
            connections.add(connection);
            connection.start();
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /** One proxied connection, opened by the member in slot {@code source}. */
    private final class Connection {
        final int source;
        final Socket client;
        final Socket target;
        volatile boolean damaged;

        Connection(int source, Socket client, Socket target) {
            this.source = source;
            this.client = client;
            this.target = target;
        }

        void start() {
            direction(client, target, source, slot);
            direction(target, client, slot, source);
        }

        private void direction(Socket in, Socket out, int from, int to) {
            BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(CHUNKS_QUEUED_MAX);
            String name = "peer-proxy-" + from + "-to-" + to;
            daemon(() -> read(in, queue, from, to), name + "-read");
            daemon(() -> write(out, queue), name + "-write");
        }

        private void read(Socket in, BlockingQueue<Chunk> queue, int from, int to) {
            byte[] buffer = new byte[CHUNK_BYTES_MAX];
            try (InputStream input = in.getInputStream()) {
                int read;
                while ((read = input.read(buffer)) > 0) {
                    if (links.dropping(from, to)) {
                        damaged = true;
                        continue;
                    }
                    long dueNanos = System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(links.delayMillis(from, to));
                    queue.put(new Chunk(Arrays.copyOf(buffer, read), dueNanos));
                }
            } catch (IOException | InterruptedException e) {
                // cut, or the other side closed
            }
            queue.offer(Chunk.END);
            cut();
        }

        private void write(Socket out, BlockingQueue<Chunk> queue) {
            try (OutputStream output = out.getOutputStream()) {
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk == Chunk.END) {
                        break;
                    }
                    long waitNanos = chunk.dueNanos() - System.nanoTime();
                    if (waitNanos > 0) {
                        TimeUnit.NANOSECONDS.sleep(waitNanos);
                    }
                    output.write(chunk.bytes());
                    output.flush();
                }
            } catch (IOException | InterruptedException e) {
                // cut, or the other side closed
            }
            cut();
        }

        void cut() {
            connections.remove(this);
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    /** Bytes to forward no earlier than {@code dueNanos}; {@link #END} ends a direction. */
    private record Chunk(byte[] bytes, long dueNanos) {
        static final Chunk END = new Chunk(new byte[0], 0);
    }

    private static void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        connections.forEach(Connection::cut);
    }
}
