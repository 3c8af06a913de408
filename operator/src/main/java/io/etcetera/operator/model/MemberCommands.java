package io.etcetera.operator.model;

import java.util.List;

/**
 * The commands a member image provides: the member itself (etcd's flags) and the restore tool that
 * turns a snapshot file into a data dir ({@code etcdctl snapshot restore}'s arguments: file,
 * {@code --name}, {@code --initial-cluster}, {@code --initial-cluster-token},
 * {@code --initial-advertise-peer-urls}, {@code --data-dir}).
 */
public record MemberCommands(List<String> member, List<String> restore) {

    /** etcd's own image: {@code etcd} and {@code etcdctl snapshot restore} on the PATH. */
    public static final MemberCommands ETCD =
            new MemberCommands(List.of("etcd"), List.of("etcdctl", "snapshot", "restore"));

    public MemberCommands {
        member = List.copyOf(member);
        restore = List.copyOf(restore);
        if (member.isEmpty() || restore.isEmpty()) {
            throw new IllegalArgumentException("member and restore commands must not be empty");
        }
    }
}
