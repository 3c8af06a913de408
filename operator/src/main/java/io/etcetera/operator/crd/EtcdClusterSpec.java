package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * What the user asks for. Every field is optional except {@code size}; the accessors in
 * {@code model} supply defaults, so a missing field never reaches a member as {@code null}.
 */
public record EtcdClusterSpec(
        @JsonPropertyDescription("Number of voting members; odd numbers (1, 3, 5) tolerate the "
                + "most failures per member.")
        Integer size,
        @JsonPropertyDescription("etcd version, e.g. 3.4.23; selects the default image. Ignored "
                + "when image is set.")
        String version,
        @JsonPropertyDescription("Member container image; overrides version.")
        String image,
        @JsonPropertyDescription("Each member's persistent volume.")
        StorageSpec storage,
        @JsonPropertyDescription("Resource requests and limits of the member container.")
        ResourceRequirements resources,
        @JsonPropertyDescription("Labels, annotations and scheduling of member pods.")
        PodTemplate podTemplate,
        @JsonPropertyDescription("etcd member flags the operator passes through.")
        MemberOptions options,
        @JsonPropertyDescription("TLS secrets for client and peer traffic.")
        TlsSpec tls,
        @JsonPropertyDescription("Scheduled snapshots and how many to keep.")
        SnapshotSchedule snapshots,
        @JsonPropertyDescription("How a new cluster starts: empty, or from a snapshot.")
        Bootstrap bootstrap,
        @JsonPropertyDescription("Seconds a voting member may stay unready before it is removed "
                + "and replaced by a new member (never when that would lose quorum). Default 120.")
        Integer unhealthyMemberGraceSeconds,
        @JsonPropertyDescription("When true the operator reports status but changes nothing.")
        Boolean paused) {
}
