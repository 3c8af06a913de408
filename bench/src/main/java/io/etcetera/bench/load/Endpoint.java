package io.etcetera.bench.load;

/**
 * One client URL of a member, as etcd's {@code --endpoints} takes it: {@code host:port} or
 * {@code http://host:port} (IPv6 hosts in brackets). TLS endpoints are refused: the bench speaks
 * plaintext gRPC only.
 *
 * <p>Invariant: {@code 0 < port <= 65535} and host is not empty. Immutable.
 */
public record Endpoint(String host, int port) {
    private static final int PORT_MAX = 65_535;

    /** Checks the invariant. */
    public Endpoint {
        if (host.isEmpty() || port <= 0 || port > PORT_MAX) {
            throw new IllegalArgumentException("endpoint needs a host and a port in 1..65535, got "
                    + host + ":" + port);
        }
    }

    /** Parses one endpoint; throws IllegalArgumentException saying what is wrong. */
    public static Endpoint parse(String text) {
        String rest = text.trim();
        if (rest.startsWith("https://")) {
            throw new IllegalArgumentException("TLS endpoints are not supported: " + text);
        }
        if (rest.startsWith("http://")) {
            rest = rest.substring("http://".length());
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int colon = rest.lastIndexOf(':');
        if (colon < 0 || rest.indexOf(']') > colon) {
            throw new IllegalArgumentException("endpoint has no port: " + text);
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new Endpoint(host, Integer.parseInt(rest.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint port is not a number: " + text, e);
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
