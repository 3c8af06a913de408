/**
 * A reusable checker of watch histories (test scope): given the committed writes ({@link
 * io.etcetera.watchcheck.History}) and what each watcher received ({@link
 * io.etcetera.watchcheck.ObservedWatch}, split from a stream by {@link
 * io.etcetera.watchcheck.StreamRecording} or converted from jetcd by {@link
 * io.etcetera.watchcheck.JetcdResponses}), {@link io.etcetera.watchcheck.WatchChecker} reports
 * every broken guarantee ({@link io.etcetera.watchcheck.Guarantee}). Used by the mvcc watch tests,
 * and meant for jetcd tests against real members and the cluster fault tests.
 *
 * <p>Single-threaded: record from one thread, then check.
 */
package io.etcetera.watchcheck;
