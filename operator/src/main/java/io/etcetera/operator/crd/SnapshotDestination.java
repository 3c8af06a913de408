package io.etcetera.operator.crd;

/** Where a snapshot file goes: exactly one of {@code volume} or {@code s3}. */
public record SnapshotDestination(VolumeLocation volume, S3Location s3) {
}
