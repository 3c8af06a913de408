package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Periodic snapshots: an EtcdSnapshot is created at each cron time; older ones are deleted. */
public record SnapshotSchedule(
        @JsonPropertyDescription("Five-field cron expression in UTC, e.g. '0 */6 * * *'.")
        String schedule,
        @JsonPropertyDescription("How many successful scheduled snapshots to keep. Default 3.")
        Integer retention,
        SnapshotDestination destination) {
}
