/**
 * Benchmarks of the multi-version store alone, without Raft, WAL or gRPC: JMH put and range
 * throughput ({@link io.etcetera.bench.store.StorePutBenchmark}, {@link
 * io.etcetera.bench.store.StoreRangeBenchmark}) and a runnable load / close / reopen that reports
 * open time, heap and disk ({@link io.etcetera.bench.store.StoreOpenBenchmark}).
 */
package io.etcetera.bench.store;
