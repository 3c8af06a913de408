/**
 * What a load run measured and how it is shown: latencies and errors recorded concurrently
 * ({@link io.etcetera.bench.report.LatencyRecorder}), reduced to an etcd-style
 * {@link io.etcetera.bench.report.Summary}, printed as etcd's benchmark prints it or as JSON
 * ({@link io.etcetera.bench.report.Report}), and a progress bar on stderr while a run lasts.
 *
 * <p>Imports nothing else from the bench. Recorders are written by gRPC callback threads;
 * everything else runs on the command's main thread, except the progress bar's own thread.
 */
package io.etcetera.bench.report;
