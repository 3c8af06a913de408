package io.etcetera.mvcc.watch;

import io.etcetera.invariants.Invariants;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The loop of the {@value #THREAD_NAME} thread, which the server starts and names: runs {@link
 * WatchableStore#syncStep()} while it finds work, then parks until woken (a new unsynced watcher, a
 * victim's stream drained, a notify while watchers are unsynced) or for {@link
 * WatchConfig#syncInterval()} (progress ticks, deferred progress requests). etcd runs the same work
 * on two goroutines, {@code syncWatchersLoop} and {@code syncVictimsLoop}.
 *
 * <p>A failure in a step (a broken invariant, a storage fault) ends the loop and goes to the {@code
 * onFatal} callback: the server stops the member, as for its other fatal errors.
 *
 * <p>Thread-safe: {@link #run()} on one thread, once; {@link #wake()} and {@link #stop()} from any.
 */
public final class SyncLoop implements Runnable {

    public static final String THREAD_NAME = "watch-sync";

    private final WatchableStore store;
    private final long idleNanos;
    private final Consumer<Throwable> onFatal;
    private final AtomicBoolean woken = new AtomicBoolean(true);
    private volatile Thread runner;
    private volatile boolean stopping;

    SyncLoop(WatchableStore store, long idleNanos, Consumer<Throwable> onFatal) {
        this.store = store;
        this.idleNanos = idleNanos;
        this.onFatal = onFatal;
    }

    @Override
    public void run() {
        Invariants.check(runner == null, "the watch sync loop runs already");
        runner = Thread.currentThread();
        try {
            while (!stopping) {
                woken.set(false);
                boolean more = store.syncStep();
                if (!more && !woken.get() && !stopping) {
                    LockSupport.parkNanos(this, idleNanos);
                }
            }
        } catch (RuntimeException | Error failure) {
            onFatal.accept(failure);
        }
    }

    /** Asks the loop to run a step soon. Any thread; never blocks. */
    void wake() {
        if (!woken.getAndSet(true)) {
            unpark();
        }
    }

    /** Asks the loop to end after its current step; join its thread to wait for that. */
    public void stop() {
        stopping = true;
        unpark();
    }

    private void unpark() {
        Thread thread = runner;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
