package io.etcetera.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An object in an S3-compatible bucket, written and read with AWS Signature Version 4. */
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

    /** Key of the access key ID in the credentials Secret. */
    public static final String ACCESS_KEY_ID = "accessKeyId";
    /** Key of the secret access key in the credentials Secret. */
    public static final String SECRET_ACCESS_KEY = "secretAccessKey";
    public static final String DEFAULT_REGION = "us-east-1";

    public String regionOrDefault() {
        return region != null ? region : DEFAULT_REGION;
    }
}
