package io.etcetera.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page of Prometheus's text format, read the way Prometheus reads it: each family's type from its
 * {@code # TYPE} line, and the samples with their labels. Enough for comparing two exporters.
 * Immutable.
 */
record PrometheusText(Map<String, String> types, List<Sample> samples) {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {}

    static PrometheusText parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                Matcher sample = SAMPLE.matcher(line);
                if (!sample.find()) {
                    throw new IllegalArgumentException("not a sample: " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (sample.group(3) != null) {
                    Matcher label = LABEL.matcher(sample.group(3));
                    while (label.find()) {
                        labels.put(label.group(1), label.group(2));
                    }
                }
                samples.add(new Sample(sample.group(1), labels, parseValue(sample.group(4))));
            }
        }
        return new PrometheusText(types, samples);
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    /** The {@code le} bounds of histogram {@code name}'s unlabelled series, in order. */
    List<String> buckets(String name) {
        return samples.stream().filter(s -> s.name().equals(name + "_bucket"))
                .map(s -> normalize(s.labels().get("le"))).distinct().toList();
    }

    /** The samples of {@code name}. */
    List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** A bound as a number, so {@code 0.1} and {@code 0.10} compare equal. */
    private static String normalize(String le) {
        return le.equals("+Inf") ? le : Double.toString(Double.parseDouble(le));
    }
}
