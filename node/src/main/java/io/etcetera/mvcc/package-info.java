/**
 * The multi-version key-value store: every write gets a revision, any uncompacted revision is readable.
 *
 * <p>Imports {@code backend} and the leaves.
 */
package io.etcetera.mvcc;
