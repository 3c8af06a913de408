package io.etcetera.operator.etcd;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.etcd.jetcd.api.MemberListResponse;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code etcdserverpb.Cluster/MemberPromote}, which jetcd-grpc 0.8.5's generated stubs lack.
 *
 * <p>etcd 3.4's rpc.proto: {@code MemberPromoteRequest { uint64 ID = 1; }} and
 * {@code MemberPromoteResponse { ResponseHeader header = 1; repeated Member members = 2; }}. The
 * response has the same fields and numbers as {@code MemberListResponse}, so that parser reads it.
 */
final class MemberPromote {

    static final MethodDescriptor<Long, MemberListResponse> METHOD =
            MethodDescriptor.<Long, MemberListResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("etcdserverpb.Cluster/MemberPromote")
                    .setRequestMarshaller(new IdMarshaller())
                    .setResponseMarshaller(
                            ProtoUtils.marshaller(MemberListResponse.getDefaultInstance()))
                    .build();

    private MemberPromote() {}

    /** A member ID as field 1 (varint) of the request message. */
    private static final class IdMarshaller implements MethodDescriptor.Marshaller<Long> {

        private static final int ID_FIELD = 1;
        private static final int ID_TAG = ID_FIELD << 3 | WireFormat.WIRETYPE_VARINT;

        @Override
        public InputStream stream(Long id) {
            byte[] bytes = new byte[CodedOutputStream.computeUInt64Size(ID_FIELD, id)];
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                out.writeUInt64(ID_FIELD, id);
                out.checkNoSpaceLeft();
            } catch (IOException e) {
                throw new UncheckedIOException("encoding MemberPromoteRequest", e);
            }
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public Long parse(InputStream stream) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(stream);
                long id = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    if (tag == ID_TAG) {
                        id = in.readUInt64();
                    } else {
                        in.skipField(tag);
                    }
                }
                return id;
            } catch (IOException e) {
                throw new UncheckedIOException("decoding MemberPromoteRequest", e);
            }
        }
    }
}
