package io.etcetera.operator.crd;

/** What happens to a member's claim when the member leaves the cluster. */
public enum VolumeReclaimPolicy {
    /** The claim is deleted with the member (and with the cluster). */
    Delete,
    /** The claim is kept for a human to inspect or delete. */
    Retain
}
