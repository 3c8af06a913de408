package io.etcetera.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command line and returns its standard output; fails with its output otherwise. */
final class Commands {

    private static final long TIMEOUT_SECONDS_MAX = 60;

    private Commands() {}

    static byte[] run(List<String> line) {
        try {
            Process p = new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.PIPE)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes());
            if (!p.waitFor(TIMEOUT_SECONDS_MAX, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + line);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(line + " exited " + p.exitValue() + ": " + err
                        + new String(out));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("running " + line, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + line, e);
        }
    }
}
