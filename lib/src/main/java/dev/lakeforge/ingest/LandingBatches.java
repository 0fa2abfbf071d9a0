package dev.lakeforge.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The batch folders of a landing area. */
public final class LandingBatches {
    private LandingBatches() {
    }

    /** The newest batch date on or before {@code notAfter}, if the landing folder has dated batches. */
    public static Optional<LocalDate> latest(Configuration conf, String landing, LocalDate notAfter) {
        try {
            Path root = new Path(landing);
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                return Optional.empty();
            }
            LocalDate best = null;
            for (FileStatus st : fs.listStatus(root)) {
                if (!st.isDirectory()) {
                    continue;
                }
                try {
                    LocalDate d = LocalDate.parse(st.getPath().getName());
                    if (!d.isAfter(notAfter) && (best == null || d.isAfter(best))) {
                        best = d;
                    }
                } catch (DateTimeParseException ignored) {
                    // not a batch folder
                }
            }
            return Optional.ofNullable(best);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
