/**
 * JMH micro-benchmark of the Raft engine alone ({@link io.etcetera.bench.raft.RaftLoopBenchmark}):
 * committed proposals per second through a 3-member cluster in one thread's memory
 * ({@link io.etcetera.bench.raft.LoopCluster}), one proposal per round and batched. No disk, no
 * network, no clock: the figure is the engine's ceiling, not the member's throughput.
 *
 * <p>Run: {@code mvn -B -ntp -o -pl bench -am package -DskipTests}, then
 * {@code java -cp bench/target/etcetera-bench.jar org.openjdk.jmh.Main RaftLoopBenchmark}.
 */
package io.etcetera.bench.raft;
