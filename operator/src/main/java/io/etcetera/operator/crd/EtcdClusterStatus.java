package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the operator last observed and did. Built only by {@code status.ClusterStatusBuilder} from
 * the prior status, the generation it reconciled, and the observation of that pass.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EtcdClusterStatus(
        Long observedGeneration,
        @JsonPropertyDescription("Creating, Running, Scaling, Upgrading, Healing, Degraded or "
                + "Paused.")
        String phase,
        List<MemberStatus> members,
        @JsonPropertyDescription("Name of the leader member.")
        String leader,
        Integer readyMembers,
        @JsonPropertyDescription("etcd cluster ID in hex.")
        String clusterId,
        @JsonPropertyDescription("Available, Progressing and Degraded.")
        List<Condition> conditions,
        @JsonPropertyDescription("Name of the newest successful EtcdSnapshot of this cluster.")
        String lastSnapshot,
        @JsonPropertyDescription("Ordinal the next new member gets; never reused, so a replaced "
                + "member's successor has a new name.")
        Integer nextMemberOrdinal,
        @JsonPropertyDescription("The step the operator took or waits on, in words.")
        String lastStep) {
}
