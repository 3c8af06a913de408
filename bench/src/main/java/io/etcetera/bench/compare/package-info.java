/**
 * The side-by-side comparison's table: from the JSON reports of runs against etcd and Etcetera
 * (labelled target, members, shape), the median QPS, p50 and p99 per shape and target, and the
 * Etcetera/etcd ratios, as Markdown for the README. Imports {@code report}. Single-threaded.
 */
package io.etcetera.bench.compare;
