/**
 * JMH micro-benchmarks of the write-ahead log alone: appends with one fdatasync per save, at a few
 * entry sizes and batch sizes, on the disk of the machine that runs them.
 */
package io.etcetera.bench.wal;
