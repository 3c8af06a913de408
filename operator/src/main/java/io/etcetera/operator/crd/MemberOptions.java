package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** etcd member flags passed through unchanged; absent means etcd's default. */
public record MemberOptions(
        @JsonPropertyDescription("--snapshot-count")
        Long snapshotCount,
        @JsonPropertyDescription("--quota-backend-bytes")
        Long quotaBackendBytes,
        @JsonPropertyDescription("--auto-compaction-mode: periodic or revision")
        String autoCompactionMode,
        @JsonPropertyDescription("--auto-compaction-retention, e.g. 1h or 1000")
        String autoCompactionRetention,
        @JsonPropertyDescription("--heartbeat-interval in milliseconds")
        Integer heartbeatIntervalMillis,
        @JsonPropertyDescription("--election-timeout in milliseconds")
        Integer electionTimeoutMillis) {
}
