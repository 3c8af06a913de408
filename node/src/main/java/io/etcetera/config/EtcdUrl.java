package io.etcetera.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * One URL of an etcd URL flag ({@code --listen-client-urls}, {@code --initial-cluster}, ...):
 * {@code scheme://host:port} and nothing else.
 *
 * <p>Invariants: the scheme is one of etcd's four ({@code http}, {@code https}, {@code unix},
 * {@code unixs}), lower case; there is no path; the port is empty or decimal digits. Parsing
 * follows etcd's {@code types.NewURLs} and Go's {@code url.Parse}, with their error messages. The
 * host is kept as written (an IPv6 literal without its brackets). Immutable.
 */
public record EtcdUrl(String scheme, String host, String port) implements Comparable<EtcdUrl> {

    /**
     * Parses one URL as etcd does, or throws {@link IllegalArgumentException} with etcd's message.
     */
    public static EtcdUrl parse(String written) {
        String text = written.strip();
        int colon = text.indexOf(':');
        String scheme =
                colon > 0 && isSchemeName(text.substring(0, colon))
                        ? text.substring(0, colon).toLowerCase(Locale.ROOT)
                        : "";
        if (colon == 0) {
            throw new IllegalArgumentException("parse \"" + text + "\": missing protocol scheme");
        }
        int slash = text.indexOf('/');
        if (scheme.isEmpty() && colon > 0 && (slash < 0 || colon < slash)) {
            // Go's url.Parse refuses "127.0.0.1:2379": no scheme, and a colon in the first segment.
            throw new IllegalArgumentException(
                    "parse \"" + text + "\": first path segment in URL cannot contain colon");
        }
        if (!scheme.equals("http")
                && !scheme.equals("https")
                && !scheme.equals("unix")
                && !scheme.equals("unixs")) {
            throw new IllegalArgumentException(
                    "URL scheme must be http, https, unix, or unixs: " + text);
        }
        String afterScheme = text.substring(colon + 1);
        if (!afterScheme.startsWith("//")) {
            throw new IllegalArgumentException(
                    "URL address does not have the form \"host:port\": " + text);
        }
        String authorityAndPath = afterScheme.substring(2);
        int pathStart = firstOf(authorityAndPath, "/?#");
        String authority = authorityAndPath.substring(0, pathStart);
        int at = authority.lastIndexOf('@');
        String hostPort = authority.substring(at + 1);
        EtcdUrl url = splitHostPort(scheme, hostPort, text);
        if (pathStart < authorityAndPath.length()) {
            throw new IllegalArgumentException("URL must not contain a path: " + text);
        }
        return url;
    }

    private static EtcdUrl splitHostPort(String scheme, String hostPort, String text) {
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0 || close + 1 >= hostPort.length() || hostPort.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(
                        "URL address does not have the form \"host:port\": " + text);
            }
            host = hostPort.substring(1, close);
            port = hostPort.substring(close + 2);
        } else {
            int lastColon = hostPort.lastIndexOf(':');
            if (lastColon < 0 || hostPort.indexOf(':') != lastColon) {
                throw new IllegalArgumentException(
                        "URL address does not have the form \"host:port\": " + text);
            }
            host = hostPort.substring(0, lastColon);
            port = hostPort.substring(lastColon + 1);
        }
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "parse \"" + text + "\": invalid port \":" + port + "\" after host");
        }
        return new EtcdUrl(scheme, host, port);
    }

    /** Go's scheme syntax: an ASCII letter, then ASCII letters, digits, '+', '-' or '.'. */
    private static boolean isSchemeName(String candidate) {
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            boolean other = c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.';
            if (!letter && !(other && i > 0)) {
                return false;
            }
        }
        return true;
    }

    private static int firstOf(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    /** True for {@code https} and {@code unixs}: the listener must speak TLS. */
    public boolean isTls() {
        return scheme.equals("https") || scheme.equals("unixs");
    }

    /** True for {@code unix} and {@code unixs}: a Unix domain socket, not TCP. */
    public boolean isUnixSocket() {
        return scheme.startsWith("unix");
    }

    /** The port as a number: 0 (let the OS choose) when the URL leaves it empty. */
    public int portNumber() {
        return port.isEmpty() ? 0 : Integer.parseInt(port);
    }

    /**
     * The address to bind for this URL. {@code localhost} binds the IPv4 loopback, as Go's {@code
     * net.Listen} does; any other host must be an IP literal (checked at parse time).
     */
    public InetSocketAddress bindAddress() {
        try {
            InetAddress address =
                    host.equals("localhost")
                            ? InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1})
                            : InetAddress.getByName(host);
            return new InetSocketAddress(address, portNumber());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("bind address " + this + " is not an IP literal", e);
        }
    }

    /**
     * {@code host:port}, with brackets around an IPv6 literal, as etcd writes a URL's host part.
     */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostPort();
    }

    /** Orders by the written form, as etcd sorts its URL lists. */
    @Override
    public int compareTo(EtcdUrl other) {
        return toString().compareTo(other.toString());
    }
}
