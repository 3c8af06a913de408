package io.etcetera.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known answers from AWS's S3 Signature Version 4 documentation ("Example: GET Object"). */
class SigV4Test {

    @Test
    void signsAwsDocumentedGetObjectExample() {
        var signer = new SigV4("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "us-east-1");
        Map<String, String> headers = signer.sign("GET", "/test.txt",
                Map.of("Host", "examplebucket.s3.amazonaws.com", "Range", "bytes=0-9"),
                SigV4.EMPTY_PAYLOAD_SHA256, Instant.parse("2013-05-24T00:00:00Z"));
        assertThat(headers.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        assertThat(headers).containsEntry("x-amz-date", "20130524T000000Z");
    }

    @Test
    void encodesPathSegmentsButKeepsSlashes() {
        assertThat(SigV4.encodePath("/b/test$file.text")).isEqualTo("/b/test%24file.text");
        assertThat(SigV4.encodePath("/b/a b/ü")).isEqualTo("/b/a%20b/%C3%BC");
    }
}
