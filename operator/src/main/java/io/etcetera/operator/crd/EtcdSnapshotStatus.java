package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Outcome of one snapshot. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EtcdSnapshotStatus(
        Long observedGeneration,
        @JsonPropertyDescription("Pending, Running, Succeeded or Failed.")
        String phase,
        @JsonPropertyDescription("Store revision the snapshot contains.")
        Long revision,
        Long sizeBytes,
        @JsonPropertyDescription("SHA-256 (hex) of the file as written, etcd's trailing digest "
                + "included, so sha256sum of the file matches.")
        String sha256,
        @JsonPropertyDescription("file:///claim/path or s3://bucket/key")
        String location,
        @JsonPropertyDescription("Member the snapshot was streamed from.")
        String member,
        String startTime,
        String completionTime,
        String error) {
}
