/**
 * Fault tests of multi-member clusters (test scope): real member processes on loopback ({@link
 * io.etcetera.cluster.LocalCluster}, Etcetera or etcd, see {@link io.etcetera.cluster.MemberKind})
 * with a fault-injecting TCP proxy in front of each peer port ({@link
 * io.etcetera.cluster.PeerProxy}, {@link io.etcetera.cluster.Links}), a seeded {@link
 * io.etcetera.cluster.Nemesis}, a register workload of jetcd clients, watchers kept open through
 * the faults, and {@link io.etcetera.cluster.ClusterFaultIT}, which checks each run with the
 * linearizability checker ({@code cluster.linearizability}), the watch checker ({@code
 * watchcheck}) and HashKV.
 *
 * <p>Threads: the test thread drives the cluster and then the nemesis; each client, watcher
 * callback and proxy pump has its own; they share only {@link io.etcetera.cluster.Links} and the
 * members' process handles.
 */
package io.etcetera.cluster;
