package io.etcetera.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.operator.model.ResolvedSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl apply -f crds/ -f manifests/} takes: every document parses, and is accepted
 * by fabric8's mock API server (CRUD) once the CRDs are in; the example cluster is the documented
 * 3 members; the operator's role grants what the reconcilers do and no wildcard.
 */
@EnableKubernetesMockClient(crud = true)
class ManifestsTest {

    KubernetesClient client;

    private static final Path ROOT = Path.of("..");

    private List<HasMetadata> apply(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return client.load(in).inNamespace("default").create();
        }
    }

    @Test
    void crdsOperatorAndExamplesApplyAsIs() throws IOException {
        apply(ROOT.resolve("crds/etcdclusters.etcetera.io-v1.yml"));
        apply(ROOT.resolve("crds/etcdsnapshots.etcetera.io-v1.yml"));
        List<HasMetadata> operator = apply(ROOT.resolve("manifests/operator.yaml"));
        assertThat(operator).extracting(HasMetadata::getKind).contains("Namespace",
                "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment");
        List<HasMetadata> example = apply(ROOT.resolve("manifests/examples/cluster.yaml"));
        EtcdCluster cluster = client.resources(EtcdCluster.class).inNamespace("default")
                .withName(example.get(0).getMetadata().getName()).get();
        assertThat(ResolvedSpec.of(cluster.getSpec()).size()).isEqualTo(3);
        apply(ROOT.resolve("manifests/examples/snapshot.yaml"));
        String tlsName = apply(ROOT.resolve("manifests/examples/cluster-tls.yaml")).get(0)
                .getMetadata().getName();
        var tls = ResolvedSpec.of(client.resources(EtcdCluster.class).inNamespace("default")
                .withName(tlsName).get().getSpec());
        assertThat(tls.clientTls()).isTrue();
        assertThat(tls.peerTls()).isTrue();
        assertThat(client.resources(EtcdSnapshot.class).inNamespace("default").list().getItems())
                .singleElement().satisfies(s -> assertThat(s.getSpec().cluster())
                        .isEqualTo(cluster.getMetadata().getName()));
    }

    @Test
    void operatorRoleIsLeastPrivilege() throws IOException {
        List<HasMetadata> operator;
        try (InputStream in = Files.newInputStream(ROOT.resolve("manifests/operator.yaml"))) {
            operator = client.load(in).items();
        }
        ClusterRole role = operator.stream().filter(ClusterRole.class::isInstance)
                .map(ClusterRole.class::cast).findFirst().orElseThrow();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
        }
        assertThat(allows(role, "", "pods", "create")).isTrue();
        assertThat(allows(role, "", "pods", "delete")).isTrue();
        assertThat(allows(role, "", "persistentvolumeclaims", "delete")).isTrue();
        assertThat(allows(role, "policy", "poddisruptionbudgets", "update")).isTrue();
        assertThat(allows(role, "etcetera.io", "etcdclusters/status", "patch")).isTrue();
        assertThat(allows(role, "etcetera.io", "etcdsnapshots", "create")).isTrue();
        assertThat(allows(role, "", "secrets", "list")).as("only get named secrets").isFalse();
        assertThat(allows(role, "etcetera.io", "etcdclusters", "delete")).isFalse();
        Deployment deployment = operator.stream().filter(Deployment.class::isInstance)
                .map(Deployment.class::cast).findFirst().orElseThrow();
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("etcetera-operator");
    }

    private static boolean allows(ClusterRole role, String group, String resource, String verb) {
        return role.getRules().stream().anyMatch(r -> r.getApiGroups().contains(group)
                && r.getResources().contains(resource) && r.getVerbs().contains(verb));
    }
}
