package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which cluster to snapshot and where the file goes. */
public record EtcdSnapshotSpec(
        @JsonPropertyDescription("Name of the EtcdCluster in the same namespace.")
        String cluster,
        SnapshotDestination destination) {
}
