package io.etcetera.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every load subcommand has: the root command, whose options (endpoints, connections,
 * clients, output form) it uses, and its own spec, which its report describes. picocli fills both
 * before {@code call()}; commands run on the main thread.
 */
abstract class LoadCommand implements Callable<Integer> {
    @ParentCommand
    Benchmark benchmark;

    @Spec
    CommandSpec spec;
}
