package io.etcetera.operator.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Records a Kubernetes Event on a custom resource for each step the operator takes (core/v1
 * Events, which {@code kubectl describe} shows). An Event that cannot be written is logged, never
 * fatal: Events are for people, not for correctness.
 */
public final class EventRecorder {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final String COMPONENT = "etcetera-operator";

    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void normal(HasMetadata about, String reason, String message, Instant now) {
        record(about, "Normal", reason, message, now);
    }

    public void warning(HasMetadata about, String reason, String message, Instant now) {
        record(about, "Warning", reason, message, now);
    }

    private void record(HasMetadata about, String type, String reason, String message,
            Instant now) {
        var meta = about.getMetadata();
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace(meta.getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(about.getApiVersion()).withKind(about.getKind())
                .withName(meta.getName()).withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(now.toString())
                .withLastTimestamp(now.toString())
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .build();
        try {
            client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("event %s/%s %s not recorded: %s", meta.getNamespace(), meta.getName(),
                    reason.toLowerCase(Locale.ROOT), e.getMessage());
        }
    }
}
