package io.etcetera.operator.etcd;

/**
 * A snapshot streamed to completion and verified.
 *
 * @param revision store revision the member reported for it
 * @param sizeBytes bytes written, etcd's trailing digest included
 * @param sha256 hex SHA-256 of the bytes written
 */
public record SnapshotResult(long revision, long sizeBytes, String sha256) {
}
