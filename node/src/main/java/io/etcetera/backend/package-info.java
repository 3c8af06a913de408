/**
 * The RocksDB backend under the multi-version store: column families, batched writes, snapshots.
 *
 * <p>Imports only the leaves.
 */
package io.etcetera.backend;
