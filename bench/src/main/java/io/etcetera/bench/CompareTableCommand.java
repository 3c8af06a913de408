package io.etcetera.bench;

import io.etcetera.bench.compare.CompareTable;
import io.etcetera.bench.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code compare-table DIR}: prints the Etcetera/etcd table ({@link CompareTable}) of the JSON
 * reports in a directory, as {@code bench/compare.sh} leaves them. Not in etcd's tool. Files are
 * read in name order; files that are not reports are skipped. Runs on the main thread.
 */
@Command(name = "compare-table",
        description = "Print the Etcetera/etcd ratio table of compare.sh's JSON reports in DIR")
final class CompareTableCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory of JSON reports")
    private Path directory;

    @Override
    public Integer call() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }
        List<Report> runs = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            if (text.contains("\"summaries\"")) {
                runs.add(Report.fromJson(text));
            }
        }
        spec.commandLine().getOut().print(CompareTable.of(runs).toMarkdown());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
