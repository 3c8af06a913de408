package io.etcetera.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The proxy between real sockets on loopback: this JVM plays the member in slot 0 (it owns the
 * connecting socket, which the proxy finds in {@code /proc}), an echo server plays the member in
 * slot 1, whose proxy it is. The echo server also keeps what reached it, to tell a lost request
 * from a lost answer.
 */
class PeerProxyTest {

    private final Links links = new Links();
    private ServerSocket echo;
    private final ByteArrayOutputStream reachedEcho = new ByteArrayOutputStream();
    private PeerProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread server = new Thread(this::serveEcho, "echo");
        server.setDaemon(true);
        server.start();
        proxy = new PeerProxy(1, echo.getLocalPort(), links,
                () -> Map.of(ProcessHandle.current().pid(), 0));
    }

    private void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket socket = echo.accept();
                Thread connection = new Thread(() -> {
                    byte[] buffer = new byte[1024];
                    try (socket) {
                        int read;
                        while ((read = socket.getInputStream().read(buffer)) > 0) {
                            synchronized (reachedEcho) {
                                reachedEcho.write(buffer, 0, read);
                            }
                            socket.getOutputStream().write(buffer, 0, read);
                        }
                    } catch (IOException e) {
                        // closed
                    }
                });
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(2_000);
        return socket;
    }

    private static String exchange(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        byte[] answer = socket.getInputStream().readNBytes(text.length());
        return new String(answer, StandardCharsets.UTF_8);
    }

    private String reachedEcho() {
        synchronized (reachedEcho) {
            return reachedEcho.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void anOpenLinkForwardsBothWays() throws IOException {
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "hello")).isEqualTo("hello");
            assertThat(exchange(socket, "again")).isEqualTo("again");
        }
    }

    @Test
    void aOneWayDropLosesOnlyThatDirectionAndHealingCutsTheDamagedConnection()
            throws Exception {
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "up")).isEqualTo("up");
            links.drop(1, 0);
            socket.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(SocketTimeoutException.class);
            socket.setSoTimeout(2_000);
            assertThat(reachedEcho()).as("the request went through").isEqualTo("uplost");

            links.heal();
            proxy.cutDamaged();
            assertThat(readOrClosed(socket.getInputStream())).isEqualTo(-1);
        }
        try (Socket fresh = connect()) {
            assertThat(exchange(fresh, "back")).isEqualTo("back");
        }
    }

    @Test
    void droppingLinksAreCutAtTheStartOfAPartition() throws Exception {
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "x")).isEqualTo("x");
            links.drop(0, 1);
            proxy.cutDropping();
            assertThat(readOrClosed(socket.getInputStream())).isEqualTo(-1);
        }
    }

    @Test
    void aDelayingLinkHoldsEachChunkForItsDelay() throws IOException {
        links.delay(0, 1, 300);
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            assertThat(exchange(socket, "slow")).isEqualTo("slow");
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void aConnectionFromNoKnownMemberIsRefused() throws Exception {
        try (PeerProxy strict = new PeerProxy(1, echo.getLocalPort(), links, Map::of);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), strict.port())) {
            socket.setSoTimeout(5_000);
            assertThat(readOrClosed(socket.getInputStream())).isEqualTo(-1);
        }
    }

    /** -1 when the proxy closed the connection (an orderly close or a reset). */
    private static int readOrClosed(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException reset) {
            return -1;
        }
    }
}
