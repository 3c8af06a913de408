package io.etcetera.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every interaction script in {@code src/test/resources/raft/interaction}, one test per
 * file, each on a fresh cluster. {@code -Draft.rewrite=true} writes the actual outputs back into
 * the scripts instead of comparing; review such a diff like code.
 */
class InteractionTest {

    private static final Path SCRIPTS = Path.of("src/test/resources/raft/interaction");

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        boolean rewrite = Boolean.getBoolean("raft.rewrite");
        List<Path> files;
        try (Stream<Path> listing = Files.list(SCRIPTS)) {
            files = listing.filter(path -> path.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).as("interaction scripts in %s", SCRIPTS.toAbsolutePath()).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
                () -> {
                    InteractionCommands commands = new InteractionCommands();
                    List<String> mismatches = DataDrivenScript.parse(file)
                            .run(commands::handle, rewrite);
                    assertThat(mismatches).as("stanzas whose output differs").isEmpty();
                }));
    }
}
