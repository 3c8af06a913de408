/**
 * The etcd benchmark-style load generator and the JMH micro-benchmarks (issue 8).
 */
package io.etcetera.bench;
