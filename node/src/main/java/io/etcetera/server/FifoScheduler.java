package io.etcetera.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One thread that runs jobs in the order they were scheduled (etcd's {@code schedule.FIFO}): the
 * apply thread, so apply batches run strictly in log order and the raft loop never waits for the
 * store. A job that throws is fatal: the failure goes to {@code onFailure} and the thread stops
 * taking jobs.
 *
 * <p>Invariant: at most {@link #JOBS_MAX} jobs wait; {@link #schedule} blocks while full (the
 * server loop, and through it the raft loop, slows down instead of queueing without bound).
 * Thread-safe; jobs run on the scheduler's own thread.
 */
final class FifoScheduler {

    /** Jobs waiting at most: apply batches of that many Readies. */
    static final int JOBS_MAX = 256;

    private static final Runnable STOP = () -> { };

    private final BlockingQueue<Runnable> jobs = new ArrayBlockingQueue<>(JOBS_MAX);
    private final Thread thread;
    private final Consumer<Throwable> onFailure;
    private volatile boolean failed;

    FifoScheduler(String threadName, Consumer<Throwable> onFailure) {
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, threadName);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code job}, waiting while {@link #JOBS_MAX} jobs wait; false once failed. */
    boolean schedule(Runnable job) throws InterruptedException {
        while (!failed) {
            if (jobs.offer(job, 100, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** Runs the jobs already queued, then stops the thread and joins it. */
    void stopAndDrain() throws InterruptedException {
        if (!thread.isAlive()) {
            return;
        }
        while (!failed && !jobs.offer(STOP, 100, TimeUnit.MILLISECONDS)) {
            // the queue drains while we wait
        }
        if (failed) {
            jobs.clear();
            jobs.offer(STOP);
        }
        thread.join();
    }

    private void run() {
        try {
            while (true) {
                Runnable job = jobs.take();
                if (job == STOP) {
                    return;
                }
                job.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable failure) {
            failed = true;
            onFailure.accept(failure);
        }
    }
}
