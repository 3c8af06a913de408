/**
 * Micrometer meters under etcd's metric names, so etcd's dashboards and alerts work unchanged. A leaf.
 */
package io.etcetera.metrics;
