package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An object in an S3-compatible bucket, written with AWS Signature Version 4. */
public record S3Location(
        @JsonPropertyDescription("Endpoint URL, e.g. http://minio.backup:9000 (path-style access).")
        String endpoint,
        @JsonPropertyDescription("Signing region. Default us-east-1.")
        String region,
        String bucket,
        @JsonPropertyDescription("Object key, or key prefix for scheduled snapshots.")
        String key,
        @JsonPropertyDescription("Secret with keys accessKeyId and secretAccessKey.")
        String credentialsSecret) {
}
