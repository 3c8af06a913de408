/**
 * The write-ahead log: the Raft log, hard state and snapshot markers in segmented, CRC-checked
 * files, and the snapshot files beside it. Modelled on etcd's {@code server/storage/wal} and
 * {@code server/etcdserver/api/snap}; the on-disk format is our own and is described here.
 *
 * <p>Imports only the Raft types ({@code io.etcetera.raft.pb}) and the leaves ({@code invariants},
 * {@code metrics}). {@link io.etcetera.wal.Wal} and {@link io.etcetera.wal.Snapshotter} are
 * confined to one caller thread, the server's raft loop. The only other thread that may touch the
 * log directory is the optional preallocation executor of {@link io.etcetera.wal.WalConfig}, which
 * zero-fills the next segment's spare file and hands it over through a future. The package starts
 * no thread of its own.
 *
 * <h2>Directory</h2>
 * <pre>
 * LOCK                                     held (fcntl lock) while a process has the log open
 * 0000000000000000-0000000000000000.wal    segment: 16 hex digits of sequence, 16 of first index
 * 0000000000000001-00000000000004d3.wal    ...the next segment, whose first entry may be 0x4d3
 * segment.tmp                              spare segment being zero-filled; deleted on open
 * </pre>
 * Segment sequence numbers increase by one with no gaps. The first index in a name is one past the
 * last entry saved before the segment was cut, so the segment that holds a snapshot marker at index
 * {@code i} is at or after the last segment whose first index is {@code <= i}; that is where
 * {@code open} starts reading. {@code create} builds the directory as {@code <dir>.tmp} and renames
 * it, so a half-created log never appears under the final name.
 *
 * <h2>Segment</h2>
 * A segment is preallocated by writing zeros to {@code WalConfig.segmentBytes} (64 MiB by
 * default) and syncing, so appending never changes the file's size or block map and
 * {@code fdatasync} flushes data only. (The JDK has no fallocate; a sparse file made by extending
 * it measured twice as slow to fdatasync on this machine.) Records are appended from offset 0.
 * Once a save leaves the segment at or past its preallocated size it is cut: truncated to its last
 * record and synced; the next segment (a spare that is already zero-filled) gets its head records,
 * is synced, and is renamed into place, and the directory is synced. So every segment but the last
 * ends exactly at its last record. The head of each segment is: a segment header record
 * (sequence, first index, the CRC chain value of the previous segment), the metadata record, and
 * the latest hard state if there is one.
 *
 * <h2>Record frame</h2>
 * Little-endian, every frame starting at a multiple of 16 bytes so a header never straddles a
 * 512-byte sector:
 * <pre>
 * offset  bytes  field
 *  0      4      payloadBytes   length of the payload (unsigned)
 *  4      1      type           1 segment header, 2 metadata, 3 entry, 4 hard state,
 *                               5 snapshot marker
 *  5      1      flags          bit 0 SYNC: the writer called fdatasync right after this record
 *  6      2      zero
 *  8      4      headerCrc      CRC32C of bytes 0..7
 * 12      4      recordCrc      CRC32C of (previous recordCrc, 4 bytes LE) ++ bytes 0..7 ++ payload
 * 16      n      payload        protobuf: SegmentHeader, Metadata (wal.proto); Entry, HardState,
 *                               SnapshotMetadata as the marker (raft.proto)
 * 16+n    pad    zeros up to the next multiple of 16
 * </pre>
 * The record CRC is chained: each one covers the previous record's CRC, so a record from another
 * place or another log cannot validate here. The chain runs across segments; the segment header
 * carries the chain value it starts from, so reading may begin at any segment, and a reader that
 * crosses from one segment to the next checks that the value matches. The header CRC protects the
 * length and type on their own, so a damaged length is never trusted to skip bytes.
 *
 * <h2>Reading, torn tails and corruption</h2>
 * Reading a segment stops at the first frame that is not a valid record: 16 zero bytes where a
 * header should start (preallocated space, the normal end), a header whose CRC fails, a frame that
 * runs past the end of the file, or a record whose CRC fails. What follows decides what that stop
 * means:
 * <ul>
 *   <li>In any segment but the last, everything from the stop to the end of the file must be zero;
 *       anything else is corruption.
 *   <li>In the last segment, the writer may have crashed while the last batch was being written, so
 *       any subset of that batch's sectors may be on disk. Every save ends with a SYNC record and
 *       the writer appends nothing after it until fdatasync has returned. So if, from the stop on,
 *       a valid header flagged SYNC is followed by any other valid header, the stopped record had
 *       already been synced, and the damage is corruption. Otherwise the stop is a torn tail: the
 *       bytes from it on are zeroed, appending resumes there, and every record before it is kept.
 *       Valid headers are looked for in every 16-byte slot, hopping over whole frames where a
 *       header holds. Like etcd's decoder, this assumes a disk writes a 512-byte sector whole.
 * </ul>
 * Corruption is a {@link io.etcetera.wal.WalCorruptException} naming the file, the byte offset and
 * what the operator must do. NB: damage to the last synced batch itself cannot be told apart from a
 * torn write and is truncated like one; that batch's records are lost (as they would be to a disk
 * that lost the write).
 *
 * <h2>Replaying records</h2>
 * The latest metadata, hard state and entries win: an entry at index {@code i} drops every entry
 * at {@code >= i} read before it (a new leader overwrote a conflicting suffix, Raft §5.3). Entries
 * at or below the snapshot marker {@code open} was given are skipped. An entry that would leave a
 * gap is corruption.
 *
 * <h2>Snapshot files</h2>
 * {@link io.etcetera.wal.Snapshotter} keeps {@code <term>-<index>.snap} files (16 hex digits each)
 * in their own directory. Each holds a {@code SnapshotFile} message (wal.proto): the serialized
 * raft Snapshot and its CRC32C. A file is written as {@code .snap.tmp}, synced, renamed, and the
 * directory synced. A file that fails to read is renamed to {@code .snap.broken} and skipped.
 */
package io.etcetera.wal;
