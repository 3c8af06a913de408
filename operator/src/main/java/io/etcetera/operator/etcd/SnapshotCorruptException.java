package io.etcetera.operator.etcd;

import java.net.URI;

/** The snapshot stream did not end with the SHA-256 of its content. */
public final class SnapshotCorruptException extends RuntimeException {

    public SnapshotCorruptException(URI endpoint, long sizeBytes) {
        super("snapshot from " + endpoint + " (" + sizeBytes + " bytes) does not end with the "
                + "SHA-256 of its content; nothing was kept");
    }
}
