package io.etcetera.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code free-ports N}: asks the OS for N distinct free TCP ports on 127.0.0.1 (binding port 0 N
 * times at once, then releasing them) and prints them on one line, for scripts that start
 * servers. Not in etcd's tool. Runs on the main thread.
 */
@Command(name = "free-ports",
        description = "Print N distinct TCP ports on 127.0.0.1 that the OS reports free")
final class FreePortsCommand implements Callable<Integer> {
    private static final int PORT_COUNT_MAX = 1000;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "N", description = "How many ports")
    private int portCount;

    @Override
    public Integer call() throws IOException {
        if (portCount < 1 || portCount > PORT_COUNT_MAX) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "N must be in 1.." + PORT_COUNT_MAX);
        }
        List<ServerSocket> sockets = new ArrayList<>();
        StringJoiner ports = new StringJoiner(" ");
        try {
            for (int i = 0; i < portCount; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports.add(Integer.toString(socket.getLocalPort()));
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
        spec.commandLine().getOut().println(ports);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
