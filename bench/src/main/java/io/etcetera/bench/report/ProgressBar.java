package io.etcetera.bench.report;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr while a run lasts, redrawn in place:
 * {@code put [==============>         ] 58% 5800/10000 1934/s}.
 *
 * <p>Owns one daemon thread, "bench-progress", that reads the completed count every
 * {@link #REDRAW_MILLIS} ms; {@link #close} stops it and draws the final state with a newline.
 * The completed-count supplier must be thread-safe.
 */
public final class ProgressBar implements AutoCloseable {
    static final long REDRAW_MILLIS = 250;
    private static final int BAR_CHARS = 40;

    private final String label;
    private final long expectedCount;
    private final LongSupplier completedCount;
    private final PrintWriter out;
    private final long startNanos = System.nanoTime();
    private final Thread redrawer;
    private volatile boolean closed;

    private ProgressBar(String label, long expectedCount, LongSupplier completed, PrintWriter out) {
        this.label = label;
        this.expectedCount = expectedCount;
        this.completedCount = completed;
        this.out = out;
        this.redrawer = new Thread(this::redrawUntilClosed, "bench-progress");
        redrawer.setDaemon(true);
    }

    /** Starts drawing progress towards {@code expectedCount} on {@code out}. */
    public static ProgressBar start(
            String label, long expectedCount, LongSupplier completedCount, PrintWriter out) {
        ProgressBar bar = new ProgressBar(label, expectedCount, completedCount, out);
        bar.redrawer.start();
        return bar;
    }

    private void redrawUntilClosed() {
        while (!closed) {
            draw();
            try {
                TimeUnit.MILLISECONDS.sleep(REDRAW_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void draw() {
        long completed = completedCount.getAsLong();
        double fraction = expectedCount <= 0 ? 1 : Math.min(1, completed / (double) expectedCount);
        int filled = (int) (fraction * BAR_CHARS);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String bar = "=".repeat(filled) + (filled < BAR_CHARS ? ">" : "")
                + " ".repeat(Math.max(0, BAR_CHARS - filled - 1));
        out.print(String.format(Locale.ROOT, "\r%s [%s] %3d%% %d/%d %.0f/s", label, bar,
                (int) (fraction * 100), completed, expectedCount,
                seconds > 0 ? completed / seconds : 0));
        out.flush();
    }

    /** Stops redrawing and prints the final state on its own line. */
    @Override
    public void close() {
        closed = true;
        redrawer.interrupt();
        try {
            redrawer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw();
        out.println();
    }
}
