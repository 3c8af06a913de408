package io.etcetera.operator.kube;

import io.etcetera.operator.model.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Applies and deletes the objects a cluster needs, and reads the Secrets it names. An applied
 * object carries the digest of its desired form in an annotation; it is updated only when that
 * digest changes, so steady-state passes write nothing.
 */
public final class KubeObjects {

    static final String DESIRED_HASH = "etcetera.io/desired-hash";
    private static final int HTTP_CONFLICT = 409;

    private final KubernetesClient client;

    public KubeObjects(KubernetesClient client) {
        this.client = client;
    }

    /** Creates {@code desired}, or updates the existing object when its desired form changed. */
    public <T extends HasMetadata> void apply(T desired) {
        desired.getMetadata().getAnnotations().put(DESIRED_HASH, digest(desired));
        HasMetadata existing = client.resource(desired).get();
        if (existing == null) {
            create(desired);
            return;
        }
        String existingHash = existing.getMetadata().getAnnotations() == null ? null
                : existing.getMetadata().getAnnotations().get(DESIRED_HASH);
        if (desired.getMetadata().getAnnotations().get(DESIRED_HASH).equals(existingHash)) {
            return;
        }
        if (desired instanceof Service service && existing instanceof Service current) {
            // A Service's cluster IP is assigned once and immutable.
            service.getSpec().setClusterIP(current.getSpec().getClusterIP());
            service.getSpec().setClusterIPs(current.getSpec().getClusterIPs());
        }
        desired.getMetadata().setResourceVersion(null);
        client.resource(desired).update();
    }

    /** Creates {@code object}; an object of that name already there counts as created. */
    public <T extends HasMetadata> void create(T object) {
        try {
            client.resource(object).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_CONFLICT) {
                throw e;
            }
        }
    }

    public void deletePod(String namespace, String name) {
        client.pods().inNamespace(namespace).withName(name).delete();
    }

    public void deleteClaim(String namespace, String name) {
        client.persistentVolumeClaims().inNamespace(namespace).withName(name).delete();
    }

    public List<Pod> pods(String namespace, String cluster) {
        return client.pods().inNamespace(namespace).withLabels(Labels.selector(cluster)).list()
                .getItems();
    }

    public List<PersistentVolumeClaim> claims(String namespace, String cluster) {
        return client.persistentVolumeClaims().inNamespace(namespace)
                .withLabels(Labels.selector(cluster)).list().getItems();
    }

    /**
     * The decoded value of {@code key} in Secret {@code name} ({@code data}, else
     * {@code stringData}).
     *
     * @throws IllegalArgumentException naming the secret and key when either is missing
     */
    public byte[] secretValue(String namespace, String name, String key) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            throw new IllegalArgumentException("secret " + name + " not found in " + namespace);
        }
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return Base64.getDecoder().decode(secret.getData().get(key));
        }
        if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("secret " + namespace + "/" + name + " has no key "
                + key);
    }

    private static String digest(HasMetadata object) {
        try {
            byte[] bytes = Serialization.asJson(object).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
