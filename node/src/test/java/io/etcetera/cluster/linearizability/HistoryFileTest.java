package io.etcetera.cluster.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Saved histories read back as they were, and the command that checks them again. */
class HistoryFileTest {

    @TempDir Path dir;

    @Test
    void aSavedHistoryReadsBackEqual() throws Exception {
        List<Operation> history = LinearizabilityCheckerTest.linearizableHistory(
                new SplittableRandom(5), 300, 4);
        List<Operation> odd = List.of(
                Operation.put(1, "k \"quoted\" \\ \n\u0001", "v\u00e9", 1, 2),
                Operation.cas(2, "k", null, "x", false, 3, 4).withUnknownOutcome());
        Path file = dir.resolve("h.jsonl");
        HistoryFile.save(file, history);
        assertThat(HistoryFile.load(file)).isEqualTo(history);
        HistoryFile.save(file, odd);
        assertThat(HistoryFile.load(file)).isEqualTo(odd);
        assertThat(Files.readAllLines(file).get(1)).endsWith("\"call\":3,\"return\":null}");
    }

    @Test
    void aDamagedLineIsNamed() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"client\":1,\"kind\":\"GET\",\"key\":\"k\"}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HistoryFile.load(file))
                .hasMessageContaining("bad.jsonl:1");
    }

    @Test
    void theCommandLineCheckerFindsTheViolationInASavedFile() throws Exception {
        Path good = dir.resolve("good.jsonl");
        Path bad = dir.resolve("bad.jsonl");
        HistoryFile.save(good, List.of(Operation.put(1, "k", "a", 0, 1),
                Operation.get(2, "k", "a", 2, 3)));
        HistoryFile.save(bad, List.of(Operation.put(1, "k", "a", 0, 1),
                Operation.get(2, "k", null, 2, 3)));

        assertThat(runChecker(good)).startsWith("0 ").contains("LINEARIZABLE");
        assertThat(runChecker(good, bad)).startsWith("1 ").contains("k: VIOLATION");
    }

    private static String runChecker(Path... files) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp",
                System.getProperty("java.class.path"), CheckHistory.class.getName()));
        for (Path file : files) {
            command.add(file.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() + " " + output;
    }
}
