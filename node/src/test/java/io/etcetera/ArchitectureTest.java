package io.etcetera;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package arrows of DESIGN.md, and the purity of the Raft engine.
 *
 * <pre>
 * api ──> server ──> raft
 *          ├───────> wal ──────> raft.pb
 *          ├───────> mvcc ─────> backend
 *          ├───────> lease, auth
 *          └───────> transport ─> raft.pb
 * config, metrics, invariants: leaves that any package may use (raft only invariants)
 * </pre>
 *
 * <p>{@code raft.pb} holds the generated Raft types that the WAL writes and the transport sends. Adding
 * an arrow here is a design change to review, not a refactor.
 */
@AnalyzeClasses(packages = "io.etcetera", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String RAFT_CORE = "io.etcetera.raft";

    @ArchTest
    static final ArchRule packagesFollowTheArrows = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("api").definedBy("io.etcetera.api..")
            .layer("server").definedBy("io.etcetera.server..")
            .layer("raft").definedBy("io.etcetera.raft", "io.etcetera.raft.tracker..",
                    "io.etcetera.raft.quorum..", "io.etcetera.raft.confchange..")
            .layer("raftTypes").definedBy("io.etcetera.raft.pb..")
            .layer("wal").definedBy("io.etcetera.wal..")
            .layer("mvcc").definedBy("io.etcetera.mvcc..")
            .layer("backend").definedBy("io.etcetera.backend..")
            .layer("lease").definedBy("io.etcetera.lease..")
            .layer("auth").definedBy("io.etcetera.auth..")
            .layer("transport").definedBy("io.etcetera.transport..")
            .layer("config").definedBy("io.etcetera.config..")
            .layer("metrics").definedBy("io.etcetera.metrics..")
            .layer("invariants").definedBy("io.etcetera.invariants..")
            .whereLayer("api").mayOnlyAccessLayers("server", "config", "metrics", "invariants")
            .whereLayer("server").mayOnlyAccessLayers("raft", "raftTypes", "wal", "mvcc", "backend",
                    "lease", "auth", "transport", "config", "metrics", "invariants")
            .whereLayer("raft").mayOnlyAccessLayers("raftTypes", "invariants")
            .whereLayer("raftTypes").mayNotAccessAnyLayer()
            .whereLayer("wal").mayOnlyAccessLayers("raftTypes", "metrics", "invariants")
            .whereLayer("transport").mayOnlyAccessLayers("raftTypes", "config", "metrics", "invariants")
            .whereLayer("mvcc").mayOnlyAccessLayers("backend", "metrics", "invariants")
            .whereLayer("backend").mayOnlyAccessLayers("metrics", "invariants")
            .whereLayer("lease").mayOnlyAccessLayers("metrics", "invariants")
            .whereLayer("auth").mayOnlyAccessLayers("metrics", "invariants")
            .whereLayer("config").mayOnlyAccessLayers("invariants")
            .whereLayer("metrics").mayOnlyAccessLayers("invariants")
            .whereLayer("invariants").mayNotAccessAnyLayer();

    @ArchTest
    static final ArchRule raftDoesNoIoAndUsesNoFrameworks = noClasses()
            .that().resideInAPackage(RAFT_CORE + "..")
            .and().resideOutsideOfPackage(RAFT_CORE + ".pb..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "java.io..", "java.nio.file..", "java.nio.channels..", "java.net..",
                    "io.quarkus..", "jakarta..", "io.grpc..", "io.vertx..", "io.netty..",
                    "org.rocksdb..", "io.micrometer..", "org.jboss.logging..")
            .because("the Raft engine is a pure state machine: the server does its I/O");

    @ArchTest
    static final ArchRule raftStartsNoThreads = noClasses()
            .that().resideInAPackage(RAFT_CORE + "..")
            .and().resideOutsideOfPackage(RAFT_CORE + ".pb..")
            .should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..")
            .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
            .orShould().dependOnClassesThat().areAssignableTo(Runnable.class)
            .because("the raft loop in the server owns the only thread that runs the engine");

    @ArchTest
    static final ArchRule raftReadsNoClockAndMakesNoUnseededRandomness = noClasses()
            .that().resideInAPackage(RAFT_CORE + "..")
            .and().resideOutsideOfPackage(RAFT_CORE + ".pb..")
            .should().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().dependOnClassesThat().resideInAnyPackage("java.time..")
            .orShould().callConstructor(java.util.Random.class)
            .orShould().callConstructor(java.util.Random.class, long.class)
            .orShould().dependOnClassesThat().areAssignableTo(java.security.SecureRandom.class)
            .orShould().callMethod(Math.class, "random")
            .because("time enters only as tick() and randomness only through the configured generator");

    @ArchTest
    static final ArchRule raftTakesNoLocks = noMethods()
            .that().areDeclaredInClassesThat().resideInAPackage(RAFT_CORE + "..")
            .and().areDeclaredInClassesThat().resideOutsideOfPackage(RAFT_CORE + ".pb..")
            .should().haveModifier(JavaModifier.SYNCHRONIZED)
            .because("the engine is confined to one thread");

    @ArchTest
    static final ArchRule raftHasNoVolatileFields = noFields()
            .that().areDeclaredInClassesThat().resideInAPackage(RAFT_CORE + "..")
            .and().areDeclaredInClassesThat().resideOutsideOfPackage(RAFT_CORE + ".pb..")
            .should().haveModifier(JavaModifier.VOLATILE)
            .because("the engine is confined to one thread");
}
