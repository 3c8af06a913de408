package io.etcetera.mvcc.watch;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The {@value #THREAD_NAME} thread: runs {@link WatchableStore#syncStep()} while it finds work,
 * then parks until woken (a new unsynced watcher, a victim's stream drained) or for {@link
 * WatchConfig#syncInterval()} (progress ticks and deferred progress requests). etcd runs the same
 * work on two goroutines, {@code syncWatchersLoop} and {@code syncVictimsLoop}.
 *
 * <p>A failure in a step (a broken invariant, a storage fault) stops the thread and goes to the
 * {@code onFatal} callback: the server stops the member, as for its other fatal errors.
 *
 * <p>Thread-safe: {@link #wake()} from any thread; {@link #stop()} once.
 */
final class SyncLoop {

    static final String THREAD_NAME = "watch-sync";

    private final WatchableStore store;
    private final long idleNanos;
    private final Consumer<Throwable> onFatal;
    private final Thread thread;
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile boolean stopping;

    SyncLoop(WatchableStore store, long idleNanos, Consumer<Throwable> onFatal) {
        this.store = store;
        this.idleNanos = idleNanos;
        this.onFatal = onFatal;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void wake() {
        if (!woken.getAndSet(true)) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops the thread and waits for it to end. */
    void stop() throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join();
    }

    private void run() {
        try {
            while (!stopping) {
                woken.set(false);
                boolean more = store.syncStep();
                if (!more && !woken.get()) {
                    LockSupport.parkNanos(this, idleNanos);
                }
            }
        } catch (RuntimeException | Error failure) {
            onFatal.accept(failure);
        }
    }
}
