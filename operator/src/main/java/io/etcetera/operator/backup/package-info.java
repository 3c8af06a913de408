/**
 * Where snapshot files go: a file on a claim mounted in the operator's pod
 * ({@link io.etcetera.operator.backup.VolumeStore}) or an object in an S3-compatible bucket over
 * http(s) with AWS Signature Version 4 ({@link io.etcetera.operator.backup.S3Store}).
 *
 * <p>A store never keeps a partial or unverified file: the volume store writes a temporary file,
 * fsyncs it and renames it into place; the S3 store uploads a verified local file with its SHA-256
 * as the signed payload hash, so the server rejects a corrupted upload. Called on the snapshot
 * reconciler's thread. Imports {@code etcd} (the snapshot stream and its result).
 */
package io.etcetera.operator.backup;
