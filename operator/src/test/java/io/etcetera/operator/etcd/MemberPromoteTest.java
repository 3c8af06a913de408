package io.etcetera.operator.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The hand-written MemberPromoteRequest encoding reads back as etcd's message would. */
class MemberPromoteTest {

    @Test
    void aMemberIdSurvivesTheRoundTrip() {
        long id = 0x8211f1d0f64f3269L; // above Long.MAX_VALUE as uint64: all 64 bits kept
        assertThat(MemberPromote.METHOD.parseRequest(MemberPromote.METHOD.streamRequest(id)))
                .isEqualTo(id);
    }

    @Test
    void unknownFieldsAreSkipped() throws IOException {
        byte[] bytes = new byte[64];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(7, "from a newer etcd");
        out.writeUInt64(1, 42);
        out.flush();
        int length = bytes.length - out.spaceLeft();
        assertThat(MemberPromote.METHOD.parseRequest(new ByteArrayInputStream(bytes, 0, length)))
                .isEqualTo(42L);
    }
}
