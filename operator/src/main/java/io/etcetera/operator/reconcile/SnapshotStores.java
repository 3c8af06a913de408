package io.etcetera.operator.reconcile;

import io.etcetera.operator.backup.S3Store;
import io.etcetera.operator.backup.SigV4;
import io.etcetera.operator.backup.SnapshotStore;
import io.etcetera.operator.backup.VolumeStore;
import io.etcetera.operator.crd.S3Location;
import io.etcetera.operator.crd.SnapshotDestination;
import io.etcetera.operator.kube.KubeObjects;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;

/** Opens the store a destination names; S3 credentials come from the named Secret. */
final class SnapshotStores {

    private final KubeObjects kube;
    private final Path volumeRoot;
    private final InstantSource clock;

    SnapshotStores(KubernetesClient client, Path volumeRoot, InstantSource clock) {
        this.kube = new KubeObjects(client);
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
        return new S3Store(URI.create(s3.endpoint()), s3.bucket(),
                new SigV4(credential(namespace, s3, S3Location.ACCESS_KEY_ID),
                        credential(namespace, s3, S3Location.SECRET_ACCESS_KEY),
                        s3.regionOrDefault()), clock);
    }

    /** The path or key under which {@code destination} keeps a snapshot named {@code name}. */
    static String pathFor(SnapshotDestination destination, String name) {
        String base = destination.volume() != null ? destination.volume().path()
                : destination.s3().key();
        return SnapshotStore.pathFor(base, name);
    }

    private String credential(String namespace, S3Location s3, String key) {
        return new String(kube.secretValue(namespace, s3.credentialsSecret(), key),
                StandardCharsets.UTF_8);
    }
}
