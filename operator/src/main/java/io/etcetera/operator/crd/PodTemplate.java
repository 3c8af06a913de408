package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** The parts of a member Pod a user may set; a change rolls the members one at a time. */
public record PodTemplate(
        @JsonPropertyDescription("Extra labels on member pods.")
        Map<String, String> labels,
        @JsonPropertyDescription("Extra annotations on member pods.")
        Map<String, String> annotations,
        Affinity affinity,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations) {
}
