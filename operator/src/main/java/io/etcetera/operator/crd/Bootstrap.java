package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a new cluster starts. */
public record Bootstrap(
        @JsonPropertyDescription("Restore the first member from this snapshot file; the others "
                + "join as learners and receive the data through Raft.")
        VolumeLocation fromSnapshot) {
}
