package io.etcetera.invariants;

/**
 * The switch for expensive invariant checks: index scans, CRC re-reads, cross-store comparisons.
 *
 * <p>They run only when the JVM is started with {@code -Detcetera.verify=true}, which every test run
 * does (see the parent pom), as etcd's tests set {@code ETCD_VERIFY}. Cheap checks use
 * {@link Invariants} and are always on.
 */
public final class Verify {

    private static final boolean ENABLED = Boolean.getBoolean("etcetera.verify");

    private Verify() {}

    public static boolean enabled() {
        return ENABLED;
    }
}
