package dev.lakeforge.docs;

import dev.lakeforge.config.ConfigReader;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.config.LakeforgeConfig;

import java.nio.file.Path;

/**
 * {@code lakeforge.docs}: where the data docs site goes and how much of each table it shows.
 *
 * @param out        local folder of the site (default: {@code docs/} under a local lakehouse root; null when the root is
 *                   remote and no folder is set: the pipeline then leaves the docs out)
 * @param runs       how many recent runs the overview lists (and how many run dates the quality history covers)
 * @param sampleRows rows shown per table
 * @param history    Delta versions listed per table
 * @param root       the lakehouse root (for the message when there is no folder)
 */
public record DocsSettings(Path out, int runs, int sampleRows, int history, String root) {
    public static final String PATH = "lakeforge.docs";

    public static DocsSettings from(LakeforgeConfig config) {
        ConfigReader r = config.reader();
        var raw = config.raw();
        int runs = raw.hasPath(PATH + ".runs") ? r.intInRange(PATH + ".runs", 1, 1000) : 30;
        int sample = raw.hasPath(PATH + ".sample-rows") ? r.intInRange(PATH + ".sample-rows", 0, 1000) : 10;
        int history = raw.hasPath(PATH + ".history") ? r.intInRange(PATH + ".history", 1, 1000) : 15;
        boolean outSet = raw.hasPath(PATH + ".out") && !r.string(PATH + ".out").isBlank();
        Path dir = null;
        if (outSet) {
            String out = r.location(PATH + ".out");
            dir = ConfigReader.localPath(out).orElse(null);
            if (dir == null) {
                r.problem(PATH + ".out", out, "a local folder (the docs are static files a browser opens)");
            }
        } else {
            dir = ConfigReader.localPath(config.lakehouse().root()).map(p -> p.resolve("docs")).orElse(null);
        }
        r.throwIfProblems();
        return new DocsSettings(dir, runs, sample, history, config.lakehouse().root());
    }

    /** Whether there is a folder to write the site to (not when the lakehouse is remote and no folder is set). */
    public boolean hasOut() {
        return out != null;
    }

    /** The site's folder; a clear configuration error when there is none. */
    public Path requireOut() {
        if (out == null) {
            throw new ConfigurationException(PATH + ".out", "unset, and the lakehouse root " + root + " is not a local folder",
                    "a local folder for the site (the docs are static files a browser opens), or lakeforge docs --out DIR");
        }
        return out;
    }

    public DocsSettings out(Path dir) {
        return new DocsSettings(dir.toAbsolutePath().normalize(), runs, sampleRows, history, root);
    }
}
