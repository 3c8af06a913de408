package io.etcetera.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;

/**
 * The archive a client snapshot carries: the files of a consistent copy (RocksDB checkpoint) of
 * the store, one after the other. The format, all integers big-endian:
 *
 * <pre>
 * "ETCSNAP1"                         8 bytes, the magic and format version
 * per file, in name order:
 *   nameBytes   u16                  length of the file name (no directories)
 *   name        nameBytes            UTF-8
 *   fileBytes   u64                  length of the content
 *   content     fileBytes
 * 0x0000                             u16: the end
 * zeros                              up to a multiple of 512 bytes
 * </pre>
 *
 * The padding exists for etcdctl: {@code snapshot save} accepts a download only if its size is a
 * multiple of 512 plus the 32-byte hash, as a bbolt file would be.
 *
 * As in etcd, the snapshot stream and a saved snapshot file append the SHA-256 of everything
 * above (32 bytes); restore refuses a file whose hash does not match.
 *
 * <p>Stateless.
 */
final class SnapshotArchive {

    static final byte[] MAGIC = "ETCSNAP1".getBytes(StandardCharsets.US_ASCII);
    static final int SHA256_BYTES = 32;
    /** An archive's size is a multiple of this (see the class comment). */
    static final int SECTOR_BYTES = 512;
    private static final int NAME_BYTES_MAX = 0xFFFF;

    private SnapshotArchive() {}

    /** An archive of the regular files in {@code dir}, read lazily; see {@link Source}. */
    static Source of(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            for (Path file : listing) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        Collections.sort(files);
        long totalBytes = MAGIC.length + Short.BYTES;
        List<byte[]> headers = new ArrayList<>();
        for (Path file : files) {
            byte[] header = fileHeader(file.getFileName().toString(), Files.size(file));
            headers.add(header);
            totalBytes += header.length + Files.size(file);
        }
        int paddingBytes = (int) ((SECTOR_BYTES - totalBytes % SECTOR_BYTES) % SECTOR_BYTES);
        return new Source(files, headers, paddingBytes, totalBytes + paddingBytes);
    }

    private static byte[] fileHeader(String name, long fileBytes) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > NAME_BYTES_MAX) {
            throw new IOException("file name too long for a snapshot archive: " + name);
        }
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(header);
        out.writeShort(nameBytes.length);
        out.write(nameBytes);
        out.writeLong(fileBytes);
        return header.toByteArray();
    }

    /**
     * An archive ready to be read: its exact size is known before the first byte (the stream
     * tells clients how many bytes remain). The files must not change until it is read.
     */
    static final class Source {
        private final List<Path> files;
        private final List<byte[]> headers;
        private final int paddingBytes;
        private final long totalBytes;

        private Source(List<Path> files, List<byte[]> headers, int paddingBytes,
                long totalBytes) {
            this.files = files;
            this.headers = headers;
            this.paddingBytes = paddingBytes;
            this.totalBytes = totalBytes;
        }

        long totalBytes() {
            return totalBytes;
        }

        /** The archive's bytes, opening each file only when reading reaches it. */
        InputStream open() {
            List<InputStream> parts = new ArrayList<>();
            parts.add(new ByteArrayInputStream(MAGIC));
            for (int i = 0; i < files.size(); i++) {
                parts.add(new ByteArrayInputStream(headers.get(i)));
                parts.add(new LazyFileStream(files.get(i)));
            }
            parts.add(new ByteArrayInputStream(new byte[Short.BYTES + paddingBytes]));
            Iterator<InputStream> iterator = parts.iterator();
            return new SequenceInputStream(new Enumeration<>() {
                @Override
                public boolean hasMoreElements() {
                    return iterator.hasNext();
                }

                @Override
                public InputStream nextElement() {
                    return iterator.next();
                }
            });
        }
    }

    /**
     * Writes the files of an archive read from {@code in} into {@code dir} (created), syncing
     * each. Throws {@link IOException} naming what is wrong if it is not a whole archive.
     */
    static void unpack(InputStream in, Path dir) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        try {
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not an Etcetera snapshot (no ETCSNAP1 header)");
            }
            Files.createDirectories(dir);
            for (int nameBytes = data.readUnsignedShort(); nameBytes != 0;
                    nameBytes = data.readUnsignedShort()) {
                byte[] name = new byte[nameBytes];
                data.readFully(name);
                String fileName = new String(name, StandardCharsets.UTF_8);
                if (fileName.contains("/") || fileName.equals("..") || fileName.equals(".")) {
                    throw new IOException("snapshot names a file outside its directory: "
                            + fileName);
                }
                copy(data, data.readLong(), dir.resolve(fileName));
            }
        } catch (EOFException e) {
            throw new IOException("snapshot archive ends early: the file is truncated", e);
        }
    }

    private static void copy(InputStream in, long fileBytes, Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(channel);
            byte[] buffer = new byte[1 << 16];
            long left = fileBytes;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException();
                }
                out.write(buffer, 0, n);
                left -= n;
            }
            out.flush();
            channel.force(true);
        }
    }

    /** A file opened on its first read, so an archive holds at most one file open at a time. */
    private static final class LazyFileStream extends InputStream {
        private final Path file;
        private InputStream in;

        LazyFileStream(Path file) {
            this.file = file;
        }

        private InputStream in() {
            if (in == null) {
                try {
                    in = Files.newInputStream(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return in().read(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
