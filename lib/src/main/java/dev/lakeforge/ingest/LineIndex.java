package dev.lakeforge.ingest;

import org.apache.hadoop.fs.FSDataInputStream;

import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Where a file's lines start, coarsely: the number of line breaks before every {@value #CHUNK}-byte boundary,
 * counted while the file is read for its checksum. A task that parses a split of the file from byte {@code start}
 * finds its first line's number from it, reading at most one chunk — so every row gets its exact line number
 * without a second pass over the file.
 */
public final class LineIndex implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int CHUNK = 1 << 20;
    /** No index: files read whole by one task (JDBC extracts, Parquet). */
    public static final LineIndex NONE = new LineIndex(new long[0]);

    private final long[] breaksBefore;

    private LineIndex(long[] breaksBefore) {
        this.breaksBefore = breaksBefore;
    }

    /** Counts line breaks while a file's bytes go by (fed in order, as they are read). */
    public static final class Builder {
        private long[] marks = new long[16];
        private int count;
        private long pos;
        private long breaks;

        public void update(byte[] buf, int off, int len) {
            int i = off;
            int end = off + len;
            while (i < end) {
                if (pos % CHUNK == 0) {
                    if (count == marks.length) {
                        marks = Arrays.copyOf(marks, count * 2);
                    }
                    marks[count++] = breaks;
                }
                int stop = (int) Math.min(end, i + (CHUNK - pos % CHUNK));
                long b = 0;
                for (int j = i; j < stop; j++) {
                    if (buf[j] == '\n') {
                        b++;
                    }
                }
                breaks += b;
                pos += stop - i;
                i = stop;
            }
        }

        public LineIndex build() {
            return new LineIndex(Arrays.copyOf(marks, count));
        }
    }

    /**
     * The number of the first line a split starting at {@code start} reads, minus one (so that its n-th line,
     * counting from 0, is number {@code base + n + 1}). A split that does not start the file skips the line it
     * starts in, which the split before it reads (Hadoop's line reader); {@code in} is the file, read only between
     * the chunk boundary before {@code start} and {@code start}.
     */
    public long base(long start, FSDataInputStream in) throws IOException {
        if (start == 0) {
            return 0;
        }
        int chunk = (int) (start / CHUNK);
        if (chunk >= breaksBefore.length) {
            throw new IllegalStateException("No line index for byte " + start + " (the file changed since it was checksummed?)");
        }
        long breaks = breaksBefore[chunk];
        long from = (long) chunk * CHUNK;
        int left = (int) (start - from);
        if (left > 0) {
            byte[] buf = new byte[Math.min(left, 1 << 16)];
            in.seek(from);
            while (left > 0) {
                int n = in.read(buf, 0, Math.min(left, buf.length));
                if (n <= 0) {
                    throw new IOException("File ended before byte " + start);
                }
                for (int j = 0; j < n; j++) {
                    if (buf[j] == '\n') {
                        breaks++;
                    }
                }
                left -= n;
            }
        }
        // the skipped partial line ends with the first break at or after start
        return breaks + 1;
    }
}
