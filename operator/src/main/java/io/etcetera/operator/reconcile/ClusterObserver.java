package io.etcetera.operator.reconcile;

import io.etcetera.operator.crd.EtcdClusterStatus;
import io.etcetera.operator.etcd.EtcdMember;
import io.etcetera.operator.etcd.EtcdMembers;
import io.etcetera.operator.etcd.MemberCallException;
import io.etcetera.operator.etcd.MemberEndpoint;
import io.etcetera.operator.etcd.MemberList;
import io.etcetera.operator.etcd.MemberStatus;
import io.etcetera.operator.kube.KubeObjects;
import io.etcetera.operator.model.ClusterModel;
import io.etcetera.operator.model.Labels;
import io.etcetera.operator.model.MemberCommands;
import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.model.MemberUrls;
import io.etcetera.operator.model.TemplateHash;
import io.etcetera.operator.plan.Observation;
import io.etcetera.operator.plan.ObservedMember;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Builds one pass's {@link ClusterPass}: lists the cluster's Pods and claims, asks members for the
 * member list (the prior leader first) and each member for its status, and joins it all by member
 * name. Reads only; never changes anything.
 */
final class ClusterObserver {

    private static final Logger LOG = Logger.getLogger(ClusterObserver.class);

    private final KubeObjects kube;
    private final EtcdMembers members;

    ClusterObserver(KubeObjects kube, EtcdMembers members) {
        this.kube = kube;
        this.members = members;
    }

    ClusterPass observe(ClusterModel model, MemberCommands commands, EtcdClusterStatus prior) {
        String cluster = model.name();
        MemberEndpoints endpoints = MemberEndpoints.load(kube, model.namespace(), model.spec());
        Map<MemberName, Pod> pods = new HashMap<>();
        for (Pod pod : kube.pods(model.namespace(), cluster)) {
            MemberName name = MemberName.parse(cluster, pod.getMetadata().getName());
            if (name != null) {
                pods.put(name, pod);
            }
        }
        Set<MemberName> claims = new TreeSet<>();
        kube.claims(model.namespace(), cluster).forEach(c -> {
            String claim = c.getMetadata().getName();
            MemberName name = claim.startsWith("data-")
                    ? MemberName.parse(cluster, claim.substring("data-".length())) : null;
            if (name != null) {
                claims.add(name);
            }
        });
        Set<MemberName> known = new TreeSet<>(pods.keySet());
        known.addAll(claims);
        if (prior != null && prior.members() != null) {
            prior.members().forEach(m -> {
                MemberName name = MemberName.parse(cluster, m.name());
                if (name != null) {
                    known.add(name);
                }
            });
        }
        Optional<MemberList> list = memberList(model, endpoints, known, prior);
        Map<MemberName, EtcdMember> listed = new HashMap<>();
        list.ifPresent(l -> l.members().forEach(m -> {
            MemberName name = m.peerUrls().isEmpty() ? null
                    : MemberUrls.memberOfPeerUrl(cluster, m.peerUrls().get(0));
            if (name != null) {
                listed.put(name, m);
                known.add(name);
            }
        }));
        Map<MemberName, MemberStatus> statuses = new HashMap<>();
        for (MemberName name : known) {
            if (pods.containsKey(name)) {
                status(endpoints.of(name)).ifPresent(s -> statuses.put(name, s));
            }
        }
        String hash = TemplateHash.of(model.spec(), commands);
        long leaderId = statuses.values().stream().mapToLong(MemberStatus::leaderId)
                .filter(id -> id != 0).findFirst().orElse(0);
        List<ObservedMember> observed = known.stream().map(name -> member(name, listed.get(name),
                pods.get(name), claims.contains(name), statuses.get(name), hash, leaderId))
                .toList();
        int maxOrdinal = known.stream().mapToInt(MemberName::ordinal).max().orElse(-1);
        int nextOrdinal = Math.max(maxOrdinal + 1,
                prior != null && prior.nextMemberOrdinal() != null ? prior.nextMemberOrdinal() : 0);
        // One claim without a Pod is a Bootstrap interrupted before its Pod was created.
        boolean bootstrapped = claims.size() > 1 || !pods.isEmpty()
                || prior != null && prior.clusterId() != null;
        boolean membershipKnown = list.isPresent()
                && observed.stream().anyMatch(ObservedMember::voter);
        Map<String, Long> revisions = new HashMap<>();
        statuses.forEach((name, s) -> revisions.put(name.value(), s.revision()));
        Optional<MemberEndpoint> callEndpoint = observed.stream()
                .filter(m -> m.voter() && m.reachable())
                .sorted((a, b) -> Boolean.compare(b.leader(), a.leader()))
                .map(m -> endpoints.of(m.name())).findFirst();
        return new ClusterPass(model, new Observation(observed, membershipKnown, bootstrapped,
                nextOrdinal), list, revisions, endpoints, callEndpoint);
    }

    private Optional<MemberList> memberList(ClusterModel model, MemberEndpoints endpoints,
            Set<MemberName> known, EtcdClusterStatus prior) {
        Set<MemberName> order = new LinkedHashSet<>();
        if (prior != null && prior.leader() != null) {
            MemberName leader = MemberName.parse(model.name(), prior.leader());
            if (leader != null) {
                order.add(leader);
            }
        }
        order.addAll(known);
        for (MemberName name : order) {
            try {
                return Optional.of(members.list(endpoints.of(name)));
            } catch (MemberCallException e) {
                LOG.debugf("member list from %s: %s", name, e.getMessage());
            }
        }
        return Optional.empty();
    }

    private Optional<MemberStatus> status(MemberEndpoint endpoint) {
        try {
            return Optional.of(members.status(endpoint));
        } catch (MemberCallException e) {
            LOG.debugf("status: %s", e.getMessage());
            return Optional.empty();
        }
    }

    private static ObservedMember member(MemberName name, EtcdMember listed, Pod pod,
            boolean claim, MemberStatus status, String templateHash, long leaderId) {
        boolean podReady = pod != null && isReady(pod);
        long id = listed != null ? listed.id() : 0;
        boolean current = pod != null && templateHash.equals(
                pod.getMetadata().getAnnotations().get(Labels.TEMPLATE_HASH));
        return new ObservedMember(name, id, listed != null && listed.learner(),
                listed != null && !listed.name().isEmpty(), pod != null, podReady,
                pod == null || podReady ? null : unreadySince(pod), current, claim,
                status != null, status != null ? status.raftIndex() : 0,
                id != 0 && id == leaderId);
    }

    private static boolean isReady(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && readyCondition(pod)
                .map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static Instant unreadySince(Pod pod) {
        return readyCondition(pod).map(PodCondition::getLastTransitionTime)
                .or(() -> Optional.ofNullable(pod.getMetadata().getCreationTimestamp()))
                .map(Instant::parse).orElse(null);
    }

    private static Optional<PodCondition> readyCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType())).findFirst();
    }
}
