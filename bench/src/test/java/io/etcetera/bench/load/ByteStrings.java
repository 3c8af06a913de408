package io.etcetera.bench.load;

import com.google.protobuf.ByteString;

/** Byte strings written as lists of byte values, for expected keys in tests. */
public final class ByteStrings {
    private ByteStrings() {}

    /** The bytes {@code values}, each taken modulo 256. */
    public static ByteString of(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return ByteString.copyFrom(bytes);
    }
}
