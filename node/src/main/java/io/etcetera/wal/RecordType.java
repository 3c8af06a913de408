package io.etcetera.wal;

/**
 * What a WAL record's payload holds; the code is the frame's type byte (package-info). Immutable.
 */
enum RecordType {
    /** {@code SegmentHeader}: first record of every segment. */
    SEGMENT_HEADER(1),
    /** {@code Metadata}: member and cluster IDs, at the head of every segment. */
    METADATA(2),
    /** A raft {@code Entry}. */
    ENTRY(3),
    /** A raft {@code HardState}. */
    HARD_STATE(4),
    /** A raft {@code SnapshotMetadata}: a snapshot at this index and term was saved. */
    SNAPSHOT_MARKER(5);

    private static final RecordType[] BY_CODE = new RecordType[6];

    static {
        for (RecordType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The type with this code, or null when the code names none (a damaged or foreign frame). */
    static RecordType ofCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
