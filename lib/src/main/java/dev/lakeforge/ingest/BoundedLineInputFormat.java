package dev.lakeforge.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.util.LineReader;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lines of text files, split like Hadoop's {@code TextInputFormat} (a split reads the lines that start in it and
 * skips the partial line it starts in), but a line longer than {@value #MAX_BYTES_KEY} bytes is not dropped without a
 * word as Hadoop's reader does: it comes back cut at the limit, with {@link BoundedLine#fullLength()} telling its real
 * length, so that the parser rejects it with its reason and nothing is lost silently. A line of any length costs at
 * most the limit in memory.
 */
public final class BoundedLineInputFormat extends FileInputFormat<LongWritable, BoundedLineInputFormat.BoundedLine> {
    /** The longest line kept whole, in bytes (default 16 MB). */
    public static final String MAX_BYTES_KEY = "lakeforge.ingest.max-line-bytes";
    static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    /** A line: its bytes (at most the limit) and how long it really was, terminator excluded. */
    public static final class BoundedLine extends Text {
        private long fullLength;

        public long fullLength() {
            return fullLength;
        }

        public boolean truncated() {
            return fullLength > getLength();
        }
    }

    @Override
    protected boolean isSplitable(org.apache.hadoop.mapreduce.JobContext context, Path file) {
        CompressionCodec codec = new CompressionCodecFactory(context.getConfiguration()).getCodec(file);
        return codec == null; // compressed files are read whole by one task
    }

    @Override
    public RecordReader<LongWritable, BoundedLine> createRecordReader(InputSplit split, TaskAttemptContext context) {
        return new Reader();
    }

    static final class Reader extends RecordReader<LongWritable, BoundedLine> {
        private long start;
        private long pos;
        private long end;
        private int max;
        private LineReader in;
        private InputStream stream;
        private final LongWritable key = new LongWritable();
        private final BoundedLine value = new BoundedLine();

        @Override
        public void initialize(InputSplit genericSplit, TaskAttemptContext context) throws IOException {
            FileSplit split = (FileSplit) genericSplit;
            Configuration conf = context.getConfiguration();
            max = conf.getInt(MAX_BYTES_KEY, DEFAULT_MAX_BYTES);
            start = split.getStart();
            end = start + split.getLength();
            Path file = split.getPath();
            FileSystem fs = file.getFileSystem(conf);
            FSDataInputStream raw = fs.open(file);
            CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
            if (codec != null) {
                stream = codec.createInputStream(raw);
                end = Long.MAX_VALUE;
            } else {
                raw.seek(start);
                stream = raw;
            }
            in = new LineReader(stream, conf);
            pos = start;
            if (start != 0) {
                // the line this split starts in belongs to the split before it (which reads past its end to finish it)
                // — reading no further than one byte past this split's end: when the line does not end by then, the
                // position passes the end and this split has no line of its own (the line is wholly the other split's)
                pos += in.readLine(new Text(), 0, (int) Math.min(Integer.MAX_VALUE, end - start + 1));
            }
        }

        @Override
        public boolean nextKeyValue() throws IOException {
            if (pos > end) {
                return false;
            }
            key.set(pos);
            // keeps at most `max` bytes of the line in the value and consumes the rest of it, terminator included
            int n = in.readLine(value, max, Integer.MAX_VALUE);
            if (n == 0) {
                return false;
            }
            // more consumed than kept plus a terminator (\n or \r\n): the line was cut; its length is about what was
            // consumed (lines over 2 GB come back in 2 GB pieces, each cut and rejected)
            value.fullLength = n - value.getLength() > 2 ? n : value.getLength();
            pos += n;
            return true;
        }

        @Override
        public LongWritable getCurrentKey() {
            return key;
        }

        @Override
        public BoundedLine getCurrentValue() {
            return value;
        }

        @Override
        public float getProgress() {
            return end == start || end == Long.MAX_VALUE ? 0f : Math.min(1f, (pos - start) / (float) (end - start));
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
