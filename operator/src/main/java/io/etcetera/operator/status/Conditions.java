package io.etcetera.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Sets one condition in a list, keeping lastTransitionTime when the status is unchanged. */
public final class Conditions {

    public static final String AVAILABLE = "Available";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";

    private Conditions() {}

    public static List<Condition> set(List<Condition> prior, String type, boolean status,
            String reason, String message, long generation, Instant now) {
        List<Condition> next = new ArrayList<>();
        Condition old = null;
        for (Condition c : prior == null ? List.<Condition>of() : prior) {
            if (c.getType().equals(type)) {
                old = c;
            } else {
                next.add(c);
            }
        }
        String statusText = status ? "True" : "False";
        String since = old != null && Objects.equals(old.getStatus(), statusText)
                ? old.getLastTransitionTime() : now.toString();
        next.add(new ConditionBuilder().withType(type).withStatus(statusText).withReason(reason)
                .withMessage(message).withObservedGeneration(generation)
                .withLastTransitionTime(since).build());
        next.sort((a, b) -> a.getType().compareTo(b.getType()));
        return next;
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return conditions != null && conditions.stream()
                .anyMatch(c -> c.getType().equals(type) && "True".equals(c.getStatus()));
    }
}
