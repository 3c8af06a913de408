package io.etcetera.operator.model;

/**
 * A member's identity within its cluster: {@code <cluster>-<ordinal>}. The Pod, its claim
 * ({@code data-<member>}) and the member's etcd {@code --name} all carry it. Ordinals are never
 * reused
 * within one cluster (status.nextMemberOrdinal), so a replacement member has a new name.
 *
 * <p>Invariant: {@code ordinal >= 0}.
 */
public record MemberName(String cluster, int ordinal) implements Comparable<MemberName> {

    public MemberName {
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal(" + ordinal + ") < 0 for " + cluster);
        }
    }

    /** Parses {@code <cluster>-<ordinal>}; null when {@code name} is not of {@code cluster}. */
    public static MemberName parse(String cluster, String name) {
        if (name == null || !name.startsWith(cluster + "-")) {
            return null;
        }
        String suffix = name.substring(cluster.length() + 1);
        boolean digits = suffix.chars().allMatch(Character::isDigit);
        if (suffix.isEmpty() || suffix.length() > 9 || !digits) {
            return null;
        }
        return new MemberName(cluster, Integer.parseInt(suffix));
    }

    /** The member's name: the Pod's name, its hostname and etcd's {@code --name}. */
    public String value() {
        return cluster + "-" + ordinal;
    }

    /** Name of the member's PersistentVolumeClaim. */
    public String claimName() {
        return "data-" + value();
    }

    @Override
    public int compareTo(MemberName other) {
        return Integer.compare(ordinal, other.ordinal);
    }

    @Override
    public String toString() {
        return value();
    }
}
