package dev.lakeforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Writes one synthetic data set of the ML benchmark ({@link MlDataSet}) as a CSV file with a header:
 * <pre>
 *   MlDataGenerator.Generated g = MlDataGenerator.create(MlDataSet.REGRESSION).rows(100_000).seed(42).dir(workDir).execute();
 * </pre>
 * The file is {@code <dir>/<set>-<rows>-seed<seed>.csv}, with {@code .json} beside it describing it; a file whose
 * description has the same generator version, rows and seed (and whose size matches) is reused, not rewritten.
 * Same rows and seed give byte-identical files. Exactly {@code rows / 5} rows, chosen by selection sampling with
 * their own random stream, have {@code is_test = 1}. Memory stays small (interactions: the item factors only).
 */
public final class MlDataGenerator {
    /** Changes whenever the generated data change, so that older files are not reused. */
    static final int VERSION = 1;
    /** Clusters in the clustering set. */
    public static final int BLOBS = 5;
    /** Share of rows held out. */
    public static final double TEST_SHARE = 0.2;
    static final int LATENT_DIM = 8;
    private static final double[] BLOB_WEIGHTS = {0.30, 0.25, 0.20, 0.15, 0.10};
    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private final MlDataSet set;
    private long rows = 100_000;
    private long seed = 42L;
    private Path dir = Path.of("target", "bench-ml");

    private MlDataGenerator(MlDataSet set) {
        this.set = set;
    }

    public static MlDataGenerator create(MlDataSet set) {
        return new MlDataGenerator(set);
    }

    /** Data rows (for interactions: user-item rows); at least 1,000. */
    public MlDataGenerator rows(long rows) {
        if (rows < 1_000) {
            throw new IllegalArgumentException("A benchmark data set needs at least 1,000 rows, not " + rows);
        }
        this.rows = rows;
        return this;
    }

    public MlDataGenerator seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Folder the file is written to (created if missing). */
    public MlDataGenerator dir(Path dir) {
        this.dir = dir;
        return this;
    }

    /**
     * The file written or reused.
     *
     * @param testRows rows with {@code is_test = 1}
     * @param details  what describes the set beyond its rows (positive share, users and items, …)
     */
    public record Generated(MlDataSet set, Path file, long rows, long testRows, long bytes, boolean reused, double seconds,
                            Map<String, String> details) {
        public long trainRows() {
            return rows - testRows;
        }
    }

    public Generated execute() {
        Path file = dir.resolve(String.format(Locale.ROOT, "%s-%d-seed%d.csv", set.label(), rows, seed)).toAbsolutePath();
        Path manifest = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.csv$", ".json"));
        ObjectMapper json = new ObjectMapper();
        try {
            Files.createDirectories(file.getParent());
            Generated existing = reusable(json, file, manifest);
            if (existing != null) {
                return existing;
            }
            long t0 = System.nanoTime();
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Map<String, String> details;
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(String.join(",", set.columns()));
                w.write('\n');
                details = write(w);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long testRows = testRows(rows);
            long bytes = Files.size(file);
            ObjectNode m = json.createObjectNode();
            m.put("generator", VERSION).put("set", set.label()).put("rows", rows).put("seed", seed).put("testRows", testRows)
                    .put("bytes", bytes);
            ObjectNode d = m.putObject("details");
            details.forEach(d::put);
            json.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), m);
            return new Generated(set, file, rows, testRows, bytes, false, (System.nanoTime() - t0) / 1e9, Map.copyOf(details));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the " + set.label() + " benchmark data " + file, e);
        }
    }

    /** Rows held out of {@code rows}. */
    public static long testRows(long rows) {
        return (long) Math.floor(rows * TEST_SHARE);
    }

    private Generated reusable(ObjectMapper json, Path file, Path manifest) {
        if (!Files.isRegularFile(file) || !Files.isRegularFile(manifest)) {
            return null;
        }
        try {
            JsonNode m = json.readTree(manifest.toFile());
            if (m.path("generator").asInt(-1) != VERSION || m.path("rows").asLong(-1) != rows || m.path("seed").asLong(Long.MIN_VALUE) != seed
                    || m.path("bytes").asLong(-1) != Files.size(file)) {
                return null;
            }
            Map<String, String> details = new LinkedHashMap<>();
            m.path("details").fields().forEachRemaining(e -> details.put(e.getKey(), e.getValue().asText()));
            return new Generated(set, file, rows, m.path("testRows").asLong(), Files.size(file), true, 0, Map.copyOf(details));
        } catch (IOException e) {
            return null;
        }
    }

    private Map<String, String> write(Writer w) throws IOException {
        Rng data = new Rng(mix(seed, set.ordinal(), 1));
        HoldOut split = new HoldOut(new Rng(mix(seed, set.ordinal(), 2)), rows);
        return switch (set) {
            case REGRESSION -> regression(w, data, split);
            case CLASSIFICATION -> classification(w, data, split);
            case CLUSTERING -> clustering(w, data, split);
            case INTERACTIONS -> interactions(w, data, split);
        };
    }

    private Map<String, String> regression(Writer w, Rng r, HoldOut split) throws IOException {
        StringBuilder sb = new StringBuilder(160);
        double[] x = new double[10];
        for (long i = 0; i < rows; i++) {
            sb.setLength(0);
            for (int j = 0; j < x.length; j++) {
                x[j] = r.uniform();
                fixed(sb, x[j], 6).append(',');
            }
            double y = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] + 5 * x[4] + r.gaussian();
            fixed(sb, y, 6).append(',').append(split.next() ? '1' : '0').append('\n');
            w.append(sb);
        }
        return Map.of("features", "10 (5 informative)", "noise", "N(0, 1)");
    }

    private Map<String, String> classification(Writer w, Rng r, HoldOut split) throws IOException {
        StringBuilder sb = new StringBuilder(160);
        double[] x = new double[10];
        long positives = 0;
        for (long i = 0; i < rows; i++) {
            sb.setLength(0);
            for (int j = 0; j < x.length; j++) {
                x[j] = r.uniform();
                fixed(sb, x[j], 6).append(',');
            }
            double score = 2 * Math.sin(Math.PI * x[0] * x[1]) + 4 * (x[2] - 0.5) * (x[2] - 0.5) + 1.5 * x[3] - x[4]
                    + 6 * Math.max(x[5] - 0.6, 0) * x[6] + 0.8 * Math.cos(2 * Math.PI * x[7]);
            boolean label = score + 0.5 * r.gaussian() > 2.9;
            if (r.uniform() < 0.05) {
                label = !label;
            }
            positives += label ? 1 : 0;
            sb.append(label ? '1' : '0').append(',').append(split.next() ? '1' : '0').append('\n');
            w.append(sb);
        }
        return Map.of("features", "10 (8 informative)", "label noise", "5% flipped",
                "positives", String.format(Locale.ROOT, "%.1f%%", 100.0 * positives / rows));
    }

    private Map<String, String> clustering(Writer w, Rng r, HoldOut split) throws IOException {
        int dims = MlDataSet.CLUSTERING.features().size();
        double[][] centres = new double[BLOBS][dims];
        double[] spread = new double[BLOBS];
        for (int k = 0; k < BLOBS; k++) {
            for (int j = 0; j < dims; j++) {
                centres[k][j] = -5 + 10 * r.uniform();
            }
            spread[k] = 0.8 + 0.3 * k;
        }
        StringBuilder sb = new StringBuilder(128);
        for (long i = 0; i < rows; i++) {
            double u = r.uniform();
            int k = 0;
            double cum = BLOB_WEIGHTS[0];
            while (u >= cum && k < BLOBS - 1) {
                cum += BLOB_WEIGHTS[++k];
            }
            sb.setLength(0);
            for (int j = 0; j < dims; j++) {
                fixed(sb, centres[k][j] + spread[k] * r.gaussian(), 6).append(',');
            }
            sb.append(k).append(',').append(split.next() ? '1' : '0').append('\n');
            w.append(sb);
        }
        return Map.of("clusters", String.valueOf(BLOBS), "dimensions", String.valueOf(dims), "shares", "30/25/20/15/10%",
                "spread", "sd 0.8 to 2.0");
    }

    /** Items in an interactions set of {@code rows} rows. */
    static int itemsFor(long rows) {
        return (int) Math.max(100, Math.min(4_000, rows / 500));
    }

    private Map<String, String> interactions(Writer w, Rng r, HoldOut split) throws IOException {
        int items = itemsFor(rows);
        double[][] q = new double[items][LATENT_DIM];
        for (double[] f : q) {
            for (int j = 0; j < LATENT_DIM; j++) {
                f[j] = r.gaussian();
            }
        }
        // popularity: a Zipf-like bias over a random order of the items
        int[] order = new int[items];
        for (int i = 0; i < items; i++) {
            order[i] = i;
        }
        for (int i = items - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double[] popularity = new double[items];
        for (int rank = 0; rank < items; rank++) {
            popularity[order[rank]] = -0.7 * Math.log(1 + rank);
        }
        double scale = 1.5 / Math.sqrt(LATENT_DIM);
        int maxPerUser = Math.max(3, items / 4);
        double[] p = new double[LATENT_DIM];
        double[] affinity = new double[items];
        StringBuilder sb = new StringBuilder(64);
        long written = 0;
        int user = 0;
        long strengthSum = 0;
        while (written < rows) {
            user++;
            for (int j = 0; j < LATENT_DIM; j++) {
                p[j] = r.gaussian();
            }
            int d = (int) Math.min(rows - written, Math.max(3, Math.min(maxPerUser, Math.round(Math.exp(Math.log(20) + 0.8 * r.gaussian())))));
            // Gumbel-top-d: d distinct items, each drawn with probability proportional to exp(affinity + popularity)
            PriorityQueue<double[]> top = new PriorityQueue<>(d + 1, (a, b) -> Double.compare(a[0], b[0]));
            for (int i = 0; i < items; i++) {
                double dot = 0;
                double[] f = q[i];
                for (int j = 0; j < LATENT_DIM; j++) {
                    dot += p[j] * f[j];
                }
                affinity[i] = dot * scale;
                double key = affinity[i] + popularity[i] - Math.log(-Math.log(r.openUniform()));
                if (top.size() < d) {
                    top.add(new double[]{key, i});
                } else if (key > top.peek()[0]) {
                    top.poll();
                    top.add(new double[]{key, i});
                }
            }
            int[] chosen = top.stream().mapToInt(e -> (int) e[1]).sorted().toArray();
            for (int i : chosen) {
                int strength = 1 + r.poisson(Math.min(30, Math.exp(0.5 * affinity[i])));
                strengthSum += strength;
                sb.setLength(0);
                sb.append(user).append(',').append(i + 1).append(',').append(strength).append(',').append(split.next() ? '1' : '0').append('\n');
                w.append(sb);
            }
            written += chosen.length;
        }
        return Map.of("users", String.valueOf(user), "items", String.valueOf(items),
                "mean strength", String.format(Locale.ROOT, "%.2f", strengthSum / (double) rows),
                "latent factors", String.valueOf(LATENT_DIM));
    }

    /** Appends {@code v} with exactly {@code decimals} decimals (|v| below 9e12). */
    static StringBuilder fixed(StringBuilder sb, double v, int decimals) {
        long scale = POW10[decimals];
        long units = Math.round(v * scale);
        if (units < 0) {
            sb.append('-');
            units = -units;
        }
        sb.append(units / scale);
        if (decimals > 0) {
            sb.append('.');
            String frac = Long.toString(units % scale);
            sb.append("000000", 0, decimals - frac.length()).append(frac);
        }
        return sb;
    }

    private static long mix(long seed, int set, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + set * 0xBF58476D1CE4E5B9L + stream * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Exactly {@code testRows(rows)} of {@code rows} rows, in order, by selection sampling (Knuth's algorithm S). */
    private static final class HoldOut {
        private final Rng rng;
        private long remaining;
        private long needed;

        HoldOut(Rng rng, long rows) {
            this.rng = rng;
            this.remaining = rows;
            this.needed = testRows(rows);
        }

        boolean next() {
            boolean take = needed > 0 && rng.uniform() * remaining < needed;
            remaining--;
            if (take) {
                needed--;
            }
            return take;
        }
    }

    /** A {@link SplittableRandom} with Gaussian (Marsaglia's polar method) and Poisson draws of its own, stable across JDKs. */
    static final class Rng {
        private final SplittableRandom r;
        private double spare;
        private boolean hasSpare;

        Rng(long seed) {
            this.r = new SplittableRandom(seed);
        }

        double uniform() {
            return r.nextDouble();
        }

        /** Uniform in the open interval (0, 1). */
        double openUniform() {
            return ((r.nextLong() >>> 11) + 0.5) * 0x1.0p-53;
        }

        int nextInt(int bound) {
            return r.nextInt(bound);
        }

        double gaussian() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u;
            double v;
            double s;
            do {
                u = 2 * r.nextDouble() - 1;
                v = 2 * r.nextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double m = Math.sqrt(-2 * Math.log(s) / s);
            spare = v * m;
            hasSpare = true;
            return u * m;
        }

        /** Knuth's multiplication method; fine for the small means used here. */
        int poisson(double mean) {
            double limit = Math.exp(-mean);
            double prod = r.nextDouble();
            int n = 0;
            while (prod > limit) {
                prod *= r.nextDouble();
                n++;
            }
            return n;
        }
    }
}
