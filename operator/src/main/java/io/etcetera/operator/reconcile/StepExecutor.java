package io.etcetera.operator.reconcile;

import io.etcetera.operator.crd.VolumeReclaimPolicy;
import io.etcetera.operator.etcd.EtcdMember;
import io.etcetera.operator.etcd.EtcdMembers;
import io.etcetera.operator.etcd.MemberEndpoint;
import io.etcetera.operator.kube.KubeObjects;
import io.etcetera.operator.model.ClusterModel;
import io.etcetera.operator.model.InitialCluster;
import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.plan.Step;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Carries out one planned step. Each branch first checks whether the step already happened (a
 * member already added or removed, a Pod already there), so a step repeated after a crash or a
 * lost status write does nothing twice.
 */
final class StepExecutor {

    private final KubeObjects kube;
    private final EtcdMembers members;

    StepExecutor(KubeObjects kube, EtcdMembers members) {
        this.kube = kube;
        this.members = members;
    }

    void execute(Step step, ClusterPass pass) {
        ClusterModel model = pass.model();
        if (step instanceof Step.Bootstrap b) {
            kube.create(model.volumeClaim(b.member()));
            var alone = InitialCluster.of(Map.of(b.member().value(),
                    model.urls(b.member()).peerUrl()), true);
            kube.create(model.pod(b.member(), alone, b.restore()));
        } else if (step instanceof Step.CreatePod c) {
            kube.create(model.volumeClaim(c.member()));
            kube.create(model.pod(c.member(), initialCluster(model, c.initialCluster()), false));
        } else if (step instanceof Step.AddLearner a) {
            URI peerUrl = model.urls(a.member()).peerUrl();
            if (listed(pass).stream().noneMatch(m -> m.peerUrls().contains(peerUrl))) {
                members.addLearner(endpoint(pass), peerUrl);
            }
        } else if (step instanceof Step.PromoteLearner p) {
            members.promote(endpoint(pass), p.id());
        } else if (step instanceof Step.MoveLeader m) {
            members.moveLeader(pass.endpoints().of(m.from()), m.toId());
        } else if (step instanceof Step.RemoveMember r) {
            removeIfListed(pass, r.id());
        } else if (step instanceof Step.ReplaceMember r) {
            removeIfListed(pass, r.id());
            kube.deletePod(model.namespace(), r.member().value());
            kube.deleteClaim(model.namespace(), r.member().claimName());
        } else if (step instanceof Step.DeletePod d) {
            kube.deletePod(model.namespace(), d.member().value());
            if (model.spec().reclaimPolicy() == VolumeReclaimPolicy.Delete) {
                kube.deleteClaim(model.namespace(), d.member().claimName());
            }
        } else if (step instanceof Step.DeleteVolume d) {
            kube.deleteClaim(model.namespace(), d.member().claimName());
        } else if (step instanceof Step.RollPod r) {
            kube.deletePod(model.namespace(), r.member().value());
        }
    }

    private void removeIfListed(ClusterPass pass, long id) {
        if (listed(pass).stream().anyMatch(m -> m.id() == id)) {
            members.remove(endpoint(pass), id);
        }
    }

    private static List<EtcdMember> listed(ClusterPass pass) {
        return pass.memberList().map(l -> l.members()).orElse(List.of());
    }

    private static MemberEndpoint endpoint(ClusterPass pass) {
        return pass.callEndpoint().orElseThrow(
                () -> new IllegalStateException("membership change planned without a reachable "
                        + "voter: the planner must only plan one when membership is known"));
    }

    private static InitialCluster initialCluster(ClusterModel model, List<MemberName> names) {
        Map<String, URI> peers = new TreeMap<>();
        names.forEach(n -> peers.put(n.value(), model.urls(n).peerUrl()));
        return InitialCluster.of(peers, false);
    }
}
