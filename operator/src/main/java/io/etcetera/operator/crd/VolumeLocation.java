package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A file on a PersistentVolumeClaim. The operator writes snapshots to claims mounted in its own pod
 * under {@code /var/lib/etcetera/snapshots/<claimName>}; a member restoring from one mounts the
 * claim.
 */
public record VolumeLocation(
        @JsonPropertyDescription("Name of the PersistentVolumeClaim.")
        String claimName,
        @JsonPropertyDescription("Path of the file, or of the directory for scheduled snapshots, "
                + "relative to the claim's root.")
        String path) {
}
