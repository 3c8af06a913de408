package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * How a new cluster starts: empty, or with its first member restored from a snapshot file on a
 * claim or in an S3-compatible bucket (exactly one of the two).
 */
public record Bootstrap(
        @JsonPropertyDescription("Restore the first member from this snapshot file; the others "
                + "join as learners and receive the data through Raft.")
        VolumeLocation fromSnapshot,
        @JsonPropertyDescription("Restore the first member from this S3 object (key names the "
                + "file); fetched by an init container with the credentials Secret.")
        S3Location fromS3) {
}
