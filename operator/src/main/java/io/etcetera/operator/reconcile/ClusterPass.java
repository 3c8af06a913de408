package io.etcetera.operator.reconcile;

import io.etcetera.operator.etcd.MemberEndpoint;
import io.etcetera.operator.etcd.MemberList;
import io.etcetera.operator.model.ClusterModel;
import io.etcetera.operator.plan.Observation;
import java.util.Map;
import java.util.Optional;

/**
 * What one pass over a cluster observed, beyond the planner's {@link Observation}: the model, the
 * raw member list, each reachable member's revision, how to reach each member, and the endpoint to
 * send cluster changes to (the leader's when known).
 */
record ClusterPass(ClusterModel model, Observation observation, Optional<MemberList> memberList,
        Map<String, Long> revisions, MemberEndpoints endpoints,
        Optional<MemberEndpoint> callEndpoint) {

    long clusterId() {
        return memberList.map(MemberList::clusterId).orElse(0L);
    }
}
