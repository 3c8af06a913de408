package io.etcetera.operator.reconcile;

import io.etcetera.operator.backup.S3Store;
import io.etcetera.operator.backup.SigV4;
import io.etcetera.operator.backup.SnapshotStore;
import io.etcetera.operator.backup.VolumeStore;
import io.etcetera.operator.crd.S3Location;
import io.etcetera.operator.crd.SnapshotDestination;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Base64;

/** Opens the store a destination names; S3 credentials come from the named Secret. */
final class SnapshotStores {

    private final KubernetesClient client;
    private final Path volumeRoot;
    private final InstantSource clock;

    SnapshotStores(KubernetesClient client, Path volumeRoot, InstantSource clock) {
        this.client = client;
        this.volumeRoot = volumeRoot;
        this.clock = clock;
    }

    SnapshotStore open(SnapshotDestination destination, String namespace) {
        if (destination == null || (destination.volume() == null) == (destination.s3() == null)) {
            throw new IllegalArgumentException("destination needs exactly one of volume or s3");
        }
        if (destination.volume() != null) {
            return new VolumeStore(volumeRoot, destination.volume().claimName());
        }
        S3Location s3 = destination.s3();
        Secret secret = client.secrets().inNamespace(namespace)
                .withName(s3.credentialsSecret()).get();
        if (secret == null) {
            throw new IllegalArgumentException("credentials secret " + s3.credentialsSecret()
                    + " not found in " + namespace);
        }
        return new S3Store(URI.create(s3.endpoint()), s3.bucket(),
                new SigV4(value(secret, "accessKeyId"), value(secret, "secretAccessKey"),
                        s3.region() != null ? s3.region() : "us-east-1"), clock);
    }

    /** The path or key under which {@code destination} keeps a snapshot named {@code name}. */
    static String pathFor(SnapshotDestination destination, String name) {
        String base = destination.volume() != null ? destination.volume().path()
                : destination.s3().key();
        return SnapshotStore.pathFor(base, name);
    }

    private static String value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)),
                    StandardCharsets.UTF_8);
        }
        if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            return secret.getStringData().get(key);
        }
        throw new IllegalArgumentException("secret " + secret.getMetadata().getName()
                + " has no key " + key);
    }
}
