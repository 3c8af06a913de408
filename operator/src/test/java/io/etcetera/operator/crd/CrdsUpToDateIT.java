package io.etcetera.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD YAML committed under {@code crds/} must be what the build generates from the classes in
 * this package. Runs after {@code package} (failsafe), when {@code target/kubernetes} holds the
 * fresh output. To refresh: {@code cp operator/target/kubernetes/*.etcetera.io-v1.yml crds/}.
 */
class CrdsUpToDateIT {

    private static final Path GENERATED = Path.of("target", "kubernetes");
    private static final Path COMMITTED = Path.of("..", "crds");
    private static final List<String> CRD_FILES = List.of(
            "etcdclusters.etcetera.io-v1.yml", "etcdsnapshots.etcetera.io-v1.yml");

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        for (String file : CRD_FILES) {
            String generated = Files.readString(GENERATED.resolve(file));
            Path committed = COMMITTED.resolve(file);
            assertThat(committed).as("crds/%s is missing: copy it from %s", file, GENERATED)
                    .exists();
            assertThat(Files.readString(committed))
                    .as("crds/%s is stale: cp operator/target/kubernetes/%s crds/", file, file)
                    .isEqualTo(generated);
        }
    }

    @Test
    void clusterCrdDeclaresTheStatusSubresource() throws IOException {
        String crd = Files.readString(COMMITTED.resolve(CRD_FILES.get(0)));
        assertThat(crd).contains("subresources:").contains("status: {}");
    }
}
