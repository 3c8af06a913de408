package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One member as last observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberStatus(
        String name,
        @JsonPropertyDescription("etcd member ID in hex; absent before the member was added.")
        String id,
        String pod,
        Boolean ready,
        Boolean leader,
        Boolean learner,
        @JsonPropertyDescription("Store revision the member reported.")
        Long revision) {
}
