/**
 * The etcd {@code benchmark}-style load generator (issue 8): the command line
 * ({@link io.etcetera.bench.Benchmark} and one class per subcommand, after etcd's
 * tools/benchmark/cmd), which speaks etcd's v3 gRPC API directly so it measures etcd and Etcetera
 * alike; and the helpers {@code bench/compare.sh} uses ({@code free-ports}, {@code compare-table}).
 *
 * <p>Subpackages: {@code load} (channels, the closed loop, keys, watch and keepalive streams),
 * {@code report} (recording and printing), {@code compare} (the Etcetera/etcd ratio table);
 * {@code raft}, {@code wal} and {@code store} hold JMH micro-benchmarks of the member's parts.
 * Commands run on the main thread; see {@code load} for where requests run.
 */
package io.etcetera.bench;
