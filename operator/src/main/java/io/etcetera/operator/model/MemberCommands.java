package io.etcetera.operator.model;

import java.util.List;

/**
 * The commands a member image provides: the member itself (etcd's flags) and the restore tool that
 * turns a snapshot file into a data dir ({@code etcdctl snapshot restore}'s arguments: file,
 * {@code --name}, {@code --initial-cluster}, {@code --initial-cluster-token},
 * {@code --initial-advertise-peer-urls}, {@code --data-dir}); and the image whose {@code sh} and
 * {@code curl} (7.75 or later, for {@code --aws-sigv4}) fetch a bootstrap snapshot from S3.
 */
public record MemberCommands(List<String> member, List<String> restore, String s3FetchImage) {

    public static final String DEFAULT_S3_FETCH_IMAGE = "curlimages/curl:8.11.1";

    /** etcd's own image: {@code etcd} and {@code etcdctl snapshot restore} on the PATH. */
    public static final MemberCommands ETCD = new MemberCommands(List.of("etcd"),
            List.of("etcdctl", "snapshot", "restore"), DEFAULT_S3_FETCH_IMAGE);

    public MemberCommands {
        member = List.copyOf(member);
        restore = List.copyOf(restore);
        if (member.isEmpty() || restore.isEmpty() || s3FetchImage.isBlank()) {
            throw new IllegalArgumentException("member and restore commands and the S3 fetch "
                    + "image must not be empty");
        }
    }
}
