/**
 * etcd's command-line flags and {@code ETCD_*} environment variables, with etcd's defaults. A leaf.
 */
package io.etcetera.config;
