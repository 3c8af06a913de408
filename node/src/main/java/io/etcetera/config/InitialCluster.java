package io.etcetera.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code --initial-cluster} flag: each bootstrap member's name and peer URLs, e.g. {@code
 * infra0=http://10.0.1.10:2380,infra1=http://10.0.1.11:2380}. A name may repeat to give a member
 * several URLs.
 *
 * <p>Invariants: names are sorted; each member has at least one URL, and its URLs are sorted and
 * free of duplicates (etcd's {@code types.URLsMap}). Immutable.
 */
public record InitialCluster(Map<String, List<EtcdUrl>> peerUrlsByName) {

    public InitialCluster {
        Map<String, List<EtcdUrl>> copy = new TreeMap<>();
        peerUrlsByName.forEach((name, urls) -> copy.put(name, List.copyOf(urls)));
        peerUrlsByName = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Parses the flag's value as etcd's {@code types.NewURLsMap} does: comma-separated {@code
     * name=url} pairs; empty items are skipped. Throws {@link IllegalArgumentException} with etcd's
     * URL message.
     */
    static InitialCluster parse(String text) {
        Map<String, List<String>> writtenByName = new LinkedHashMap<>();
        for (String item : text.split(",", -1)) {
            if (item.isEmpty()) {
                continue;
            }
            int equals = item.indexOf('=');
            String name = equals < 0 ? item : item.substring(0, equals);
            String url = equals < 0 ? "" : item.substring(equals + 1);
            writtenByName.computeIfAbsent(name, n -> new ArrayList<>()).add(url);
        }
        Map<String, List<EtcdUrl>> urlsByName = new TreeMap<>();
        writtenByName.forEach((name, written) -> urlsByName.put(name, EtcdUrls.parse(written)));
        return new InitialCluster(urlsByName);
    }

    /**
     * The initial cluster etcd derives when only {@code --name} is given: this member alone, at its
     * advertised peer URLs ({@code Config.InitialClusterFromName}).
     */
    static InitialCluster ofMember(String name, List<EtcdUrl> advertisePeerUrls) {
        return new InitialCluster(Map.of(name, advertisePeerUrls));
    }

    /**
     * The checks etcd makes before it bootstraps a member with an empty data dir (etcd's {@code
     * ServerConfig.VerifyBootstrap} for a new cluster, {@code VerifyJoinExisting} for an existing
     * one): this member is listed, its advertised peer URLs are the ones listed for it (new
     * cluster), and no URL is listed twice. The server calls this only when it bootstraps: a member
     * restarting from its data dir ignores {@code --initial-cluster}, as etcd does.
     */
    public void verifyBootstrap(String name, List<EtcdUrl> advertisePeerUrls, ClusterState state) {
        List<EtcdUrl> listed = peerUrlsByName.get(name);
        if (listed == null) {
            throw ConfigException.invalid(
                    String.format(
                            "couldn't find local name \"%s\" in the initial cluster configuration",
                            name));
        }
        if (state == ClusterState.NEW) {
            verifyAdvertiseMatches(name, listed, advertisePeerUrls);
        }
        Set<EtcdUrl> seen = new HashSet<>();
        for (List<EtcdUrl> urls : peerUrlsByName.values()) {
            for (EtcdUrl url : urls) {
                if (!seen.add(url)) {
                    throw ConfigException.invalid("initial cluster " + this + " has duplicate url");
                }
            }
        }
    }

    private void verifyAdvertiseMatches(
            String name, List<EtcdUrl> listed, List<EtcdUrl> advertised) {
        List<EtcdUrl> advertisedSorted = advertised.stream().sorted().toList();
        if (listed.equals(advertisedSorted)) {
            return;
        }
        List<String> missingFromAdvertised =
                listed.stream()
                        .filter(url -> !advertised.contains(url))
                        .map(url -> name + "=" + url)
                        .toList();
        if (!missingFromAdvertised.isEmpty()) {
            throw ConfigException.invalid(
                    String.format(
                            "--initial-cluster has %s but missing from"
                                    + " --initial-advertise-peer-urls=%s (%s)",
                            String.join(",", missingFromAdvertised),
                            join(advertisedSorted),
                            resolvedMismatch(advertisedSorted, listed)));
        }
        String missingFromCluster =
                join(advertisedSorted.stream().filter(url -> !listed.contains(url)).toList());
        throw ConfigException.invalid(
                String.format(
                        "--initial-advertise-peer-urls has %s but missing from"
                                + " --initial-cluster=%s",
                        missingFromCluster, ofMember(name, advertisedSorted)));
    }

    /** etcd's {@code netutil.URLStringsEqual} error, which it appends to the message. */
    private static String resolvedMismatch(List<EtcdUrl> advertised, List<EtcdUrl> listed) {
        if (advertised.size() != listed.size()) {
            return "len(" + goQuoted(advertised) + ") != len(" + goQuoted(listed) + ")";
        }
        for (int i = 0; i < advertised.size(); i++) {
            if (!advertised.get(i).equals(listed.get(i))) {
                return "resolved urls: \"" + advertised.get(i) + "\" != \"" + listed.get(i) + "\"";
            }
        }
        return "";
    }

    private static String goQuoted(List<EtcdUrl> urls) {
        return urls.stream()
                .map(url -> "\"" + url + "\"")
                .collect(Collectors.joining(" ", "[", "]"));
    }

    private static String join(List<EtcdUrl> urls) {
        return urls.stream().map(EtcdUrl::toString).collect(Collectors.joining(","));
    }

    /** The flag's syntax, names sorted: {@code a=http://h1:2380,b=http://h2:2380}. */
    @Override
    public String toString() {
        return peerUrlsByName.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(url -> e.getKey() + "=" + url))
                .collect(Collectors.joining(","));
    }
}
