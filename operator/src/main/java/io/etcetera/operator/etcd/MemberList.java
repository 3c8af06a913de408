package io.etcetera.operator.etcd;

import java.util.List;

/** etcd's member list as one member answered it. */
public record MemberList(long clusterId, long answeredBy, List<EtcdMember> members) {

    public MemberList {
        members = List.copyOf(members);
    }
}
