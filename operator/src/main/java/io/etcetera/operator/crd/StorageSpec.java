package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The persistent volume claim each member gets. */
public record StorageSpec(
        @JsonPropertyDescription("Requested capacity, e.g. 1Gi. Default 1Gi.")
        String size,
        @JsonPropertyDescription("Storage class of the claims; the cluster default when absent.")
        String storageClassName,
        @JsonPropertyDescription("What happens to a removed member's volume: Delete (default) or "
                + "Retain.")
        VolumeReclaimPolicy reclaimPolicy) {
}
