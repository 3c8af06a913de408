package io.etcetera.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * A list of URLs as etcd reads it: each parsed by {@link EtcdUrl#parse}, then sorted ({@code
 * types.NewURLs}); URL flags also drop duplicates ({@code flags.UniqueURLs}), so two spellings of
 * one command line give one config. Stateless.
 */
final class EtcdUrls {

    private EtcdUrls() {}

    /** Parses and sorts URLs; throws {@link IllegalArgumentException} with etcd's message. */
    static List<EtcdUrl> parse(List<String> written) {
        if (written.isEmpty()) {
            throw new IllegalArgumentException("no valid URLs given");
        }
        List<EtcdUrl> urls = new ArrayList<>(written.size());
        for (String text : written) {
            urls.add(EtcdUrl.parse(text));
        }
        Collections.sort(urls);
        return List.copyOf(urls);
    }

    /** The value of a URL flag: comma-separated URLs, sorted, each once. */
    static List<EtcdUrl> parseUnique(String commaSeparated) {
        return List.copyOf(new TreeSet<>(parse(List.of(commaSeparated.split(",", -1)))));
    }
}
