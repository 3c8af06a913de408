package io.etcetera.wal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a segment file, {@code <seq>-<firstIndex>.wal} with 16 hex digits each, as etcd names
 * them. Immutable.
 *
 * @param seq        position of the segment in the log; consecutive segments differ by one
 * @param firstIndex one past the last entry saved before this segment was cut
 */
record SegmentName(long seq, long firstIndex) {

    static final String SUFFIX = ".wal";
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.wal");

    String fileName() {
        return String.format("%016x-%016x%s", seq, firstIndex, SUFFIX);
    }

    /** The segment this file name denotes, or null for any other file. */
    static SegmentName parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        return new SegmentName(Long.parseUnsignedLong(m.group(1), 16),
                Long.parseUnsignedLong(m.group(2), 16));
    }

    /** Every segment in {@code dir}, in sequence order. */
    static List<SegmentName> list(Path dir) throws IOException {
        List<SegmentName> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                SegmentName name = parse(file.getFileName().toString());
                if (name != null) {
                    names.add(name);
                }
            }
        }
        names.sort(Comparator.comparingLong(SegmentName::seq));
        return names;
    }
}
