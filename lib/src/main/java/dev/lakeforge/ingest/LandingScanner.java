package dev.lakeforge.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a source's files in the landing folder: those matching its glob whose batch folder is dated on or
 * before the run date (files outside dated folders always qualify), with their checksums.
 */
public final class LandingScanner {
    private final Configuration hadoopConf;
    private final String landing;

    public LandingScanner(Configuration hadoopConf, String landing) {
        this.hadoopConf = hadoopConf;
        this.landing = landing.endsWith("/") ? landing.substring(0, landing.length() - 1) : landing;
    }

    public List<LandingFile> scan(String glob, LocalDate runDate) {
        return scan(glob, runDate, Map.of());
    }

    /**
     * As {@link #scan(String, LocalDate)}, but a file the ledger already holds with the same relative path, size and
     * modification time ({@code recorded}) is not read again: it comes back {@link LandingFile#recorded()}, with the
     * checksum the ledger holds. So a daily run reads only the new files, not the landing folder's whole history
     * (a file changed in place gets a new modification time and is read).
     */
    public List<LandingFile> scan(String glob, LocalDate runDate, Map<String, IngestLedger.Recorded> recorded) {
        try {
            Path pattern = new Path(landing + "/" + glob);
            FileSystem fs = pattern.getFileSystem(hadoopConf);
            FileStatus[] matches = fs.globStatus(pattern);
            List<LandingFile> out = new ArrayList<>();
            if (matches == null) {
                return out;
            }
            String root = fs.makeQualified(new Path(landing)).toString();
            for (FileStatus st : matches) {
                if (!st.isFile()) {
                    continue;
                }
                String full = fs.makeQualified(st.getPath()).toString();
                String relative = full.startsWith(root + "/") ? full.substring(root.length() + 1) : st.getPath().getName();
                Optional<LocalDate> batch = batchDate(relative);
                if (batch.isPresent() && batch.get().isAfter(runDate)) {
                    continue;
                }
                IngestLedger.Recorded known = recorded.get(relative);
                if (known != null && known.size() == st.getLen() && known.modifiedAt() == st.getModificationTime()) {
                    out.add(new LandingFile(full, relative, batch, st.getLen(), known.checksum(), LineIndex.NONE,
                            st.getModificationTime(), true));
                    continue;
                }
                LineIndex.Builder lines = new LineIndex.Builder();
                String checksum = checksum(fs, st.getPath(), lines);
                out.add(new LandingFile(full, relative, batch, st.getLen(), checksum, lines.build(), st.getModificationTime(), false));
            }
            out.sort(Comparator.comparing((LandingFile f) -> f.batchDate().orElse(LocalDate.MIN)).thenComparing(LandingFile::relative));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + landing + "/" + glob + ": " + e.getMessage(), e);
        }
    }

    static Optional<LocalDate> batchDate(String relative) {
        int slash = relative.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(relative.substring(0, slash)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 of the file, hex; its line breaks go to {@code lines} as the bytes are read (one pass for both). */
    static String checksum(FileSystem fs, Path p, LineIndex.Builder lines) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (FSDataInputStream in = fs.open(p)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                lines.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
