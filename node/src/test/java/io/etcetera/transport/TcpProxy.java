package io.etcetera.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy for fault injection: forwards every connection to a target port and, in the
 * client-to-target direction, either flips one byte at a given offset of each connection or cuts
 * the connection after a given number of bytes. Threads: one accepting, two per connection; {@link
 * #close} ends them all.
 */
final class TcpProxy implements AutoCloseable {

    enum Fault {
        FLIP_BYTE,
        CUT
    }

    private final ServerSocket listener;
    private final int targetPort;
    private final Fault fault;
    private final long faultOffsetBytes;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    TcpProxy(int targetPort, Fault fault, long faultOffsetBytes) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.fault = fault;
        this.faultOffsetBytes = faultOffsetBytes;
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(target);
                pump(client, target, true);
                pump(target, client, false);
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void pump(Socket from, Socket to, boolean faulty) {
        Thread pump =
                new Thread(
                        () -> {
                            byte[] buffer = new byte[16 << 10];
                            long position = 0;
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                int read;
                                while ((read = in.read(buffer)) > 0) {
                                    if (faulty
                                            && fault == Fault.CUT
                                            && position + read > faultOffsetBytes) {
                                        break;
                                    }
                                    if (faulty
                                            && fault == Fault.FLIP_BYTE
                                            && position <= faultOffsetBytes
                                            && faultOffsetBytes < position + read) {
                                        buffer[(int) (faultOffsetBytes - position)] ^= 0x5a;
                                    }
                                    out.write(buffer, 0, read);
                                    position += read;
                                }
                            } catch (IOException e) {
                                // the other side closed
                            } finally {
                                closeQuietly(from);
                                closeQuietly(to);
                            }
                        },
                        "tcp-proxy-pump");
        pump.setDaemon(true);
        pump.start();
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
        sockets.forEach(TcpProxy::closeQuietly);
    }
}
