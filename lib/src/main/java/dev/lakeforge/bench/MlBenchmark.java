package dev.lakeforge.bench;

import dev.lakeforge.spark.HeapSampler;
import com.typesafe.config.ConfigFactory;
import dev.lakeforge.ml.ModelSpec;
import dev.lakeforge.ml.ModelTrainer;
import dev.lakeforge.ml.TrainOutcome;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.col;

/**
 * Times the training of every Lakeforge model family ({@link MlFamily}) on synthetic data of given sizes, with
 * peak memory and held-out quality, and compares it with scikit-learn where it has the same model:
 * <pre>
 *   MlBenchmark.Result r = MlBenchmark.create(spark)
 *       .sizes(List.of("100K", "1M")).alsSizes(List.of("1M", "10M"))
 *       .workDir(Path.of("target/bench-ml")).out(Path.of("docs/benchmarks-ml.md"))
 *       .python(Path.of("/usr/bin/python3")).script(Path.of("bench/sklearn_bench.py"))
 *       .execute();
 * </pre>
 * Per size, each data set ({@link MlDataSet}) is written once as CSV ({@link MlDataGenerator}; kept and reused).
 * For each family it is read into Spark with its schema and cached (every Spark cache is cleared after each family),
 * and the family trains on it through Lakeforge's own path —
 * a {@link ModelSpec} parsed from HOCON and {@link ModelTrainer#train} — as {@code lakeforge train} runs it:
 * the split, the feature pipeline, the fit, the held-out metrics and the baseline. Measured around that call: wall
 * time, CPU time of the JVM, the peak heap (polled every 100 ms and read before every GC; the cached input
 * included) and the load other processes put on the machine. The rows held out are exactly those with
 * {@code is_test = 1} (checked), the same rows scikit-learn holds out.
 * <p>
 * After every Spark run, one at a time so that the two never compete for the cores, {@code bench/sklearn_bench.py}
 * trains the matching scikit-learn model on the same file with the hyper-parameters the Spark model was trained
 * with, in a process of its own per model and size; it reports fit and evaluation time, CPU time and peak RSS.
 * A small unrecorded warm-up run of every family on Spark comes first, so that the first measurement does not pay
 * for the JIT alone.
 */
public final class MlBenchmark {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KM]?)");

    private final SparkSession spark;
    private List<String> sizes = List.of("100K", "1M");
    private List<String> alsSizes = List.of("1M", "10M");
    private List<MlFamily> families = List.of(MlFamily.values());
    private Path workDir = Path.of("target", "bench-ml");
    private Path out;
    private boolean sklearn = true;
    private Path python = Path.of("/usr/bin/python3");
    private Path script = Path.of("bench", "sklearn_bench.py");
    private String warmup = "2K";
    private long seed = 42L;
    private String heapNote = "";
    private String command = "";
    private PrintStream log = System.out;

    private MlBenchmark(SparkSession spark) {
        this.spark = spark;
    }

    public static MlBenchmark create(SparkSession spark) {
        return new MlBenchmark(spark);
    }

    /**
     * Rows of a size: a whole number, or a number with a K or M suffix ({@code 100K}, {@code 1M}, {@code 2.5M});
     * at least 1,000.
     */
    public static long rows(String size) {
        String accepted = "expected a number of rows of at least 1,000, with an optional K or M suffix (e.g. 100K, 1M, 2.5M)";
        Matcher m = size == null ? null : SIZE.matcher(size.trim().toUpperCase(Locale.ROOT).replace("_", ""));
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("Invalid size '" + size + "': " + accepted);
        }
        BigDecimal n = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(switch (m.group(2)) {
            case "K" -> 1_000L;
            case "M" -> 1_000_000L;
            default -> 1L;
        }));
        try {
            long rows = n.stripTrailingZeros().longValueExact();
            if (rows < 1_000) {
                throw new ArithmeticException();
            }
            return rows;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("Invalid size '" + size + "': " + accepted, e);
        }
    }

    /**
     * Checks, without Spark, that {@code python} runs {@code script}'s imports (numpy, pandas, scikit-learn) and returns
     * their versions; a configuration error naming the package to install otherwise. {@link #execute()} checks again.
     */
    public static String checkSklearn(Path python, Path script) {
        return new SklearnRunner(python, script, 1).check();
    }

    /** Rows of the regression, classification and clustering sets (default 100K, 1M). */
    public MlBenchmark sizes(List<String> sizes) {
        sizes.forEach(MlBenchmark::rows);
        this.sizes = List.copyOf(sizes);
        return this;
    }

    /** Interactions (user-item rows) for ALS (default 1M, 10M). */
    public MlBenchmark alsSizes(List<String> sizes) {
        sizes.forEach(MlBenchmark::rows);
        this.alsSizes = List.copyOf(sizes);
        return this;
    }

    /** The families to run (default: all). */
    public MlBenchmark families(List<MlFamily> families) {
        if (families.isEmpty()) {
            throw new IllegalArgumentException("No model family to benchmark");
        }
        this.families = List.copyOf(new LinkedHashSet<>(families));
        return this;
    }

    /** Folder for the data files (kept and reused). */
    public MlBenchmark workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /** Markdown file to write the results to (null: none). */
    public MlBenchmark out(Path file) {
        this.out = file;
        return this;
    }

    /** Whether to run the scikit-learn side (default true). */
    public MlBenchmark sklearn(boolean run) {
        this.sklearn = run;
        return this;
    }

    /** The Python interpreter with scikit-learn (default Debian's /usr/bin/python3). */
    public MlBenchmark python(Path interpreter) {
        this.python = interpreter;
        return this;
    }

    /** The scikit-learn side, {@code bench/sklearn_bench.py} of the project folder. */
    public MlBenchmark script(Path file) {
        this.script = file;
        return this;
    }

    /** Rows of the unrecorded Spark warm-up of every family (default 2K); null or "none" for no warm-up. */
    public MlBenchmark warmup(String size) {
        this.warmup = size == null || size.equalsIgnoreCase("none") ? null : size;
        if (warmup != null) {
            rows(warmup);
        }
        return this;
    }

    /** Seed of the data generators (default 42). The models' own seed and the split are fixed at 42. */
    public MlBenchmark seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** How the heap was set, for the report (e.g. {@code LAKEFORGE_HEAP=4g}). */
    public MlBenchmark heapNote(String note) {
        this.heapNote = note == null ? "" : note;
        return this;
    }

    /** The command line that reproduces the run, for the report. */
    public MlBenchmark command(String command) {
        this.command = command == null ? "" : command;
        return this;
    }

    /** Where progress goes (default System.out). */
    public MlBenchmark log(PrintStream log) {
        this.log = log;
        return this;
    }

    // ------------------------------------------------------------------ results

    /**
     * One training of one family through Lakeforge on Spark.
     *
     * @param millis          wall time of {@code ModelTrainer.train}
     * @param fitMillis       of which fitting alone (tuning included; held-out evaluation and baselines excluded)
     * @param cpuMillis       CPU time of this JVM meanwhile (all threads; -1: unknown)
     * @param peakHeapBytes   most heap in use meanwhile (the cached input included)
     * @param maxAfterGcBytes most heap a GC left in use meanwhile (-1: no GC)
     * @param otherCores      average cores other processes kept busy meanwhile (-1: unknown)
     * @param metrics         held-out metrics (k-means: on all rows, plus {@code ari} against the true blobs)
     * @param baseline        the same metrics of Lakeforge's baseline (mean, majority class, random clusters, popular items)
     * @param params          every parameter of the fitted model (Spark names), as passed to scikit-learn
     */
    public record SparkRun(long millis, long fitMillis, long cpuMillis, long peakHeapBytes, long maxAfterGcBytes, long gcMillis, double otherCores,
                           Map<String, Double> metrics, Map<String, Double> baseline, Map<String, Object> params, long trainRows,
                           long testRows) {
        public double seconds() {
            return millis / 1000.0;
        }
    }

    /**
     * What scikit-learn did with the same file and hyper-parameters ({@code bench/sklearn_bench.py}).
     *
     * @param model          the estimator as scikit-learn prints it (parameters that differ from its defaults)
     * @param seconds        fit, held-out prediction and metrics: what is compared with {@link SparkRun#seconds()}
     * @param cpuSeconds     CPU time of the Python process during fit and evaluation (all threads)
     * @param loadSeconds    reading the CSV (not compared)
     * @param peakRssMb      peak resident memory of the Python process (interpreter, libraries and data included)
     * @param metrics        held-out metrics (k-means: silhouette on all rows and {@code ari})
     * @param processSeconds the whole process as the benchmark saw it: start, imports and reading included
     * @param otherCores     average cores other processes kept busy while it ran (-1: unknown)
     */
    public record SklearnRun(String model, double seconds, double fitSeconds, double cpuSeconds, double loadSeconds, double rssAfterLoadMb,
                             double peakRssMb, Map<String, Double> metrics, long trainRows, long testRows, double processSeconds,
                             double otherCores) {
    }

    /** One family at one size: Spark, and scikit-learn where it has the model and was run. */
    public record Run(MlFamily family, String size, MlDataGenerator.Generated data, SparkRun spark, Optional<SklearnRun> sklearn) {
        /** Spark time / scikit-learn time (> 1: Spark is slower); empty without scikit-learn. */
        public Optional<Double> timeRatio() {
            return sklearn.filter(s -> s.seconds() > 0).map(s -> spark.seconds() / s.seconds());
        }
    }

    /** The whole run and its Markdown report. */
    public record Result(List<Run> runs, List<MlDataGenerator.Generated> data, String machine, String sklearnVersions, String markdown) {
        public Run run(MlFamily family, String size) {
            return runs.stream().filter(r -> r.family() == family && r.size().equals(size)).findFirst().orElseThrow();
        }
    }

    // ------------------------------------------------------------------ run

    public Result execute() {
        int cores = Runtime.getRuntime().availableProcessors();
        SklearnRunner sk = new SklearnRunner(python, script, cores);
        String versions = sklearn ? sk.check() : "";
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + workDir, e);
        }
        Instant started = Instant.now();
        List<Run> runs = new ArrayList<>();
        Map<Path, MlDataGenerator.Generated> data = new LinkedHashMap<>();
        try (HeapSampler heap = new HeapSampler()) {
            if (warmup != null) {
                long t0 = System.nanoTime();
                log.printf(Locale.ROOT, "Warm-up of every family on %s rows (Spark only, not recorded)%n", warmup);
                for (MlDataSet set : dataSets()) {
                    sparkSize(set, warmup, heap, null);
                }
                log.printf(Locale.ROOT, "Warm-up done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            }
            for (MlDataSet set : dataSets()) {
                for (String size : set == MlDataSet.INTERACTIONS ? alsSizes : sizes) {
                    sparkSize(set, size, heap, runs);
                }
            }
        }
        runs.forEach(r -> data.putIfAbsent(r.data().file(), r.data()));
        List<String> sklearnFailures = new ArrayList<>();
        if (sklearn) {
            List<Run> withSk = new ArrayList<>();
            for (Run r : runs) {
                if (r.family().sklearnModel().isEmpty()) {
                    withSk.add(r);
                    continue;
                }
                log.printf(Locale.ROOT, "[%s] scikit-learn %s ...%n", r.size(), r.family().key());
                SklearnRun s;
                try {
                    s = sk.run(r.family(), r.data().file(), r.spark().params());
                } catch (RuntimeException e) {
                    // keep the Spark results of a long run: the report names the failure
                    String failure = r.family().key() + " at " + r.size() + ": " + e.getMessage();
                    log.println("scikit-learn failed, " + failure);
                    sklearnFailures.add(failure);
                    withSk.add(r);
                    continue;
                }
                if (s.trainRows() != r.spark().trainRows() || s.testRows() != r.spark().testRows()) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "scikit-learn %s trained on %,d rows and held out %,d, "
                                    + "Spark on %,d and %,d: the sides must use the same rows", r.family().key(), s.trainRows(), s.testRows(),
                            r.spark().trainRows(), r.spark().testRows()));
                }
                Run run = new Run(r.family(), r.size(), r.data(), r.spark(), Optional.of(s));
                logSklearn(run);
                withSk.add(run);
            }
            runs = withSk;
        }
        runs.sort(Comparator.comparing(Run::family)); // stable: sizes stay in the order given
        String machine = BenchMachine.describe(spark, heapNote);
        List<MlDataGenerator.Generated> files = List.copyOf(data.values());
        String md = markdown(runs, files, machine, versions, sklearnFailures, started);
        if (out != null) {
            BenchLanding.write(out, md);
        }
        return new Result(List.copyOf(runs), files, machine, versions, md);
    }

    private List<MlDataSet> dataSets() {
        Set<MlDataSet> sets = new LinkedHashSet<>();
        families.forEach(f -> sets.add(f.dataSet()));
        return List.copyOf(sets);
    }

    /**
     * Generates (or reuses) one data set and trains every selected family on it, each on a freshly cached copy; records
     * the runs unless warming up.
     */
    private void sparkSize(MlDataSet set, String size, HeapSampler heap, List<Run> runs) {
        String label = runs == null ? "warm-up" : size;
        long rows = rows(size);
        Path dir = runs == null ? workDir.resolve("warmup") : workDir;
        MlDataGenerator.Generated g = MlDataGenerator.create(set).rows(rows).seed(seed).dir(dir).execute();
        log.printf(Locale.ROOT, "[%s] %s: %,d rows, %,.1f MB, %s %s%n", label, set.label(), g.rows(), g.bytes() / 1e6,
                g.reused() ? "reused" : String.format(Locale.ROOT, "generated in %.1f s:", g.seconds()), g.file());
        for (MlFamily f : families) {
            if (f.dataSet() != set) {
                continue;
            }
            Dataset<Row> df = load(g);
            try {
                SparkRun s = sparkRun(f, g, df, heap);
                if (runs != null) {
                    Run run = new Run(f, size, g, s, Optional.empty());
                    logSpark(run);
                    runs.add(run);
                }
            } finally {
                // the input and whatever training left cached: every family starts from the same heap
                spark.catalog().clearCache();
            }
        }
    }

    /** The file read with its schema and cached (not timed). */
    private Dataset<Row> load(MlDataGenerator.Generated g) {
        Dataset<Row> df = spark.read().schema(g.set().schema()).option("header", "true").option("mode", "FAILFAST").csv(g.file().toString())
                .persist(StorageLevel.MEMORY_AND_DISK());
        long n = df.count();
        if (n != g.rows()) {
            throw new IllegalStateException("Read " + n + " rows from " + g.file() + ", expected " + g.rows() + ": delete it to regenerate");
        }
        return df;
    }

    private SparkRun sparkRun(MlFamily f, MlDataGenerator.Generated g, Dataset<Row> data, HeapSampler heap) {
        ModelSpec spec = ModelSpec.parse(ConfigFactory.parseString(f.spec(g.file())), workDir);
        System.gc();
        long gc0 = dev.lakeforge.spark.WorkMeter.gcMillis();
        heap.reset();
        long cpu0 = BenchMachine.processCpuNanos();
        long busy0 = BenchMachine.systemBusyMillis();
        long t0 = System.nanoTime();
        TrainOutcome o = ModelTrainer.train(spec, data);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long cpuMs = cpu0 < 0 ? -1 : (BenchMachine.processCpuNanos() - cpu0) / 1_000_000;
        long busy1 = BenchMachine.systemBusyMillis();
        long peak = heap.peak();
        long afterGc = heap.maxAfterGc();
        long gcMs = dev.lakeforge.spark.WorkMeter.gcMillis() - gc0;

        boolean allRows = f == MlFamily.KMEANS;
        long expectTrain = allRows ? g.rows() : g.trainRows();
        long expectTest = allRows ? 0 : g.testRows();
        if (o.trainRows() != expectTrain || o.holdoutRows() != expectTest) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s trained on %,d rows and held out %,d; the benchmark expects %,d "
                    + "and %,d (is_test = 1): Lakeforge's split no longer holds out exactly the marked rows", f.key(), o.trainRows(),
                    o.holdoutRows(), expectTrain, expectTest));
        }
        Map<String, Double> metrics = new LinkedHashMap<>(o.metrics());
        if (f == MlFamily.KMEANS) {
            metrics.put("ari", adjustedRandIndex(o.model().transform(data), f.dataSet().target(), "prediction"));
        }
        Map<String, Object> params = fittedParams(o.model());
        o.params().forEach(params::putIfAbsent); // what the trainer reports beyond the fitted stage (ALS: rank, regParam, …)
        return new SparkRun(ms, o.fitMillis(), cpuMs, peak, afterGc, gcMs, BenchMachine.otherCores(busy0, busy1, cpuMs, ms), Map.copyOf(metrics),
                Map.copyOf(o.baseline()), Map.copyOf(params), o.trainRows(), o.holdoutRows());
    }

    /** Every simple parameter (number, boolean, text) of the pipeline's fitted model, by Spark name. */
    static Map<String, Object> fittedParams(PipelineModel model) {
        Transformer last = model.stages()[model.stages().length - 1];
        Map<String, Object> out = new LinkedHashMap<>();
        Params p = last;
        for (Param<?> param : p.params()) {
            if (p.isDefined(param)) {
                Object v = p.getOrDefault(param);
                if (v instanceof Number || v instanceof Boolean || v instanceof String) {
                    out.put(param.name(), v);
                }
            }
        }
        return out;
    }

    /** Adjusted Rand index of two labelings (columns of {@code df}), from their contingency table. */
    static double adjustedRandIndex(Dataset<Row> df, String truth, String predicted) {
        List<Row> cells = df.groupBy(col(truth).cast("long").as("t"), col(predicted).cast("long").as("p")).count().collectAsList();
        Map<Long, Long> a = new LinkedHashMap<>();
        Map<Long, Long> b = new LinkedHashMap<>();
        double pairs = 0;
        long n = 0;
        for (Row c : cells) {
            long count = c.getLong(2);
            pairs += pairCount(count);
            a.merge(c.getLong(0), count, Long::sum);
            b.merge(c.getLong(1), count, Long::sum);
            n += count;
        }
        double sa = a.values().stream().mapToDouble(MlBenchmark::pairCount).sum();
        double sb = b.values().stream().mapToDouble(MlBenchmark::pairCount).sum();
        double expected = sa * sb / pairCount(n);
        double max = (sa + sb) / 2;
        return max == expected ? 1.0 : (pairs - expected) / (max - expected);
    }

    /** n choose 2: the number of pairs among n items. */
    private static double pairCount(long n) {
        return n * (n - 1) / 2.0;
    }

    private void logSpark(Run r) {
        SparkRun s = r.spark();
        MlFamily f = r.family();
        log.printf(Locale.ROOT, "[%s] spark        %-13s %8s s  CPU %8s s  peak heap %,6d MB  %s %s  %s %s  other processes %s cores  (fit %s s)%n",
                r.size(), f.key(), secs(s.seconds()), s.cpuMillis() < 0 ? "–" : secs(s.cpuMillis() / 1000.0), s.peakHeapBytes() >> 20,
                f.metric(), num(s.metrics().get(f.metric())), f.secondMetric(), num(s.metrics().get(f.secondMetric())), cores(s.otherCores()),
                secs(s.fitMillis() / 1000.0));
    }

    private void logSklearn(Run r) {
        MlFamily f = r.family();
        r.sklearn().ifPresent(k -> log.printf(Locale.ROOT,
                "[%s] scikit-learn %-13s %8s s  CPU %8s s  peak RSS  %,6.0f MB  %s %s  %s %s  other processes %s cores  (fit %s s)%n",
                r.size(), f.key(), secs(k.seconds()), secs(k.cpuSeconds()), k.peakRssMb(), f.metric(), num(k.metrics().get(f.metric())),
                f.secondMetric(), num(k.metrics().get(f.secondMetric())), cores(k.otherCores()), secs(k.fitSeconds())));
    }

    // ------------------------------------------------------------------ report

    private static final List<String> SHOWN_PARAMS = List.of("numTrees", "maxDepth", "maxIter", "stepSize", "maxBins", "featureSubsetStrategy",
            "subsamplingRate", "regParam", "elasticNetParam", "tol", "k", "initMode", "rank", "alpha", "implicitPrefs", "seed");

    private String markdown(List<Run> runs, List<MlDataGenerator.Generated> files, String machine, String versions, List<String> sklearnFailures,
                            Instant started) {
        StringBuilder md = new StringBuilder();
        md.append("# ML training benchmark: Lakeforge on Spark MLlib vs. scikit-learn\n\n");
        md.append("Run on ").append(DateTimeFormatter.ISO_LOCAL_DATE.format(started.atZone(ZoneOffset.UTC)))
                .append(" (started ").append(DateTimeFormatter.ofPattern("HH:mm").format(started.atZone(ZoneOffset.UTC))).append(" UTC).\n\n");
        md.append("**Machine:** ").append(machine).append(".\n\n");
        md.append("**scikit-learn:** ").append(sklearn ? versions + " (`" + python + "`, "
                + Runtime.getRuntime().availableProcessors() + " threads)" : "not run (`--skip-sklearn`)").append(".\n\n");
        if (!command.isBlank()) {
            md.append("**Reproduce:**\n\n```bash\n").append(command).append("\n```\n\n");
        }
        md.append("""
                **What runs.** Per size, one synthetic CSV file per data set (`dev.lakeforge.bench.MlDataGenerator`, seed %d; \
                Friedman #1 regression, a nonlinear binary classification with label noise, %d Gaussian blobs in 8 dimensions, \
                implicit feedback from latent factors), with exactly one row in five marked `is_test`. *Spark*: the file is read \
                with its schema and cached (not timed); then each family trains through Lakeforge's own path, a model spec \
                (`dev.lakeforge.bench.MlFamily#spec`, the algorithm's Lakeforge defaults, no tuning) and `ModelTrainer.train`, as \
                `lakeforge train` runs it: label indexing, the split (exactly the `is_test` rows held out), the feature pipeline \
                (median imputation, assembly, scaling for linear models and k-means), the fit, the held-out metrics and the \
                baseline's. *scikit-learn* (`bench/sklearn_bench.py`, one process per model and size, after all Spark runs so that \
                the two never compete for the cores): the same file and rows, the matching model with the Spark model's \
                hyper-parameters; timed are fit, held-out prediction and metrics (reading the CSV is not). k-means trains on all \
                rows on both sides, as Lakeforge does, and both report the silhouette as Spark computes it (squared Euclidean, on \
                the standardised features) and the adjusted Rand index against the true blobs (not timed). scikit-learn has no \
                ALS: –. %s

                **Columns.** *s*: wall time as above. *CPU s*: CPU time of the JVM, resp. the Python process (all threads). \
                *Peak heap*: the most Java heap in use during training (polled every 100 ms and read before every GC; it includes \
                the cached input and mostly shows how far the collector let the heap fill). *Peak RSS*: the Python process's \
                peak resident memory (interpreter, libraries and the data included); heap and RSS are not the same measure. \
                *Ratio* = Spark s / scikit-learn s (> 1: Spark is slower); Spark's time holds fixed costs per job and stage that \
                do not grow with the data, so the ratios at the larger size say more. *Baseline*: Lakeforge's own (training mean, \
                majority class, random clusters, most popular unseen items). *Other*: average cores other processes on the machine \
                kept busy meanwhile (from `/proc/stat`); above 0.1 the wall times are disturbed.

                """.formatted(seed, MlDataGenerator.BLOBS, warmup == null ? ""
                : "An unrecorded warm-up of every family on Spark (" + warmup + " rows) comes first."));

        md.append("## Results\n\n");
        md.append("| family | size | train / held-out rows | Spark s | scikit-learn s | **ratio Spark / sklearn** | metric | Spark | scikit-learn "
                + "| Lakeforge baseline |\n");
        md.append("|---|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (Run r : runs) {
            MlFamily f = r.family();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", f.title(), r.size(),
                    rowsCell(r.spark().trainRows(), r.spark().testRows()), secs(r.spark().seconds()),
                    r.sklearn().map(s -> secs(s.seconds())).orElse("–"),
                    r.timeRatio().map(x -> String.format(Locale.ROOT, "**%.2f**", x)).orElse("–"), f.metric(),
                    num(r.spark().metrics().get(f.metric())), r.sklearn().map(s -> num(s.metrics().get(f.metric()))).orElse("–"),
                    num(r.spark().baseline().get(f.metric()))));
        }
        md.append('\n');
        for (String failure : sklearnFailures) {
            md.append("scikit-learn failed for ").append(failure.replace('\n', ' ')).append("\n\n");
        }

        Map<MlFamily, List<Run>> byFamily = new EnumMap<>(MlFamily.class);
        runs.forEach(r -> byFamily.computeIfAbsent(r.family(), k -> new ArrayList<>()).add(r));
        for (Map.Entry<MlFamily, List<Run>> e : byFamily.entrySet()) {
            MlFamily f = e.getKey();
            Run first = e.getValue().get(0);
            md.append("## ").append(f.title()).append("\n\n");
            md.append("*Spark*: `algorithm = ").append(f.algorithm()).append("`, ").append(params(first.spark().params())).append(". ");
            md.append("*scikit-learn*: ").append(f.sklearnModel().map(m -> m + first.sklearn().map(s -> ", `" + s.model() + "`")
                    .orElse("")).orElse("none (–)")).append(".\n\n");
            String m1 = f.metric();
            String m2 = f.secondMetric();
            boolean withSk = f.sklearnModel().isPresent();
            md.append("| size | train / held-out rows | Spark s | Spark fit s | Spark CPU s | Spark peak heap MB | Spark ").append(m1).append(" | Spark ").append(m2)
                    .append(" | baseline ").append(m1);
            if (withSk) {
                md.append(" | sklearn s | sklearn fit s | sklearn CPU s | sklearn peak RSS MB | sklearn ").append(m1).append(" | sklearn ")
                        .append(m2).append(" | **ratio** | other, cores (Spark / sklearn) |\n");
                md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            } else {
                md.append(" | other, cores |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            }
            for (Run r : e.getValue()) {
                SparkRun s = r.spark();
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,d | %s | %s | %s |", r.size(), rowsCell(s.trainRows(), s.testRows()),
                        secs(s.seconds()), secs(s.fitMillis() / 1000.0), s.cpuMillis() < 0 ? "–" : secs(s.cpuMillis() / 1000.0), s.peakHeapBytes() >> 20,
                        num(s.metrics().get(m1)), num(s.metrics().get(m2)), num(s.baseline().get(m1))));
                if (!withSk) {
                    md.append(' ').append(cores(s.otherCores())).append(" |\n");
                    continue;
                }
                Optional<SklearnRun> k = r.sklearn();
                md.append(String.format(Locale.ROOT, " %s | %s | %s | %s | %s | %s | %s | %s / %s |%n",
                        k.map(x -> secs(x.seconds())).orElse("–"), k.map(x -> secs(x.fitSeconds())).orElse("–"),
                        k.map(x -> secs(x.cpuSeconds())).orElse("–"), k.map(x -> String.format(Locale.ROOT, "%,.0f", x.peakRssMb())).orElse("–"),
                        k.map(x -> num(x.metrics().get(m1))).orElse("–"), k.map(x -> num(x.metrics().get(m2))).orElse("–"),
                        r.timeRatio().map(x -> String.format(Locale.ROOT, "**%.2f**", x)).orElse("–"), cores(s.otherCores()),
                        k.map(x -> cores(x.otherCores())).orElse("–")));
            }
            md.append('\n');
        }

        md.append("## Data sets\n\n");
        md.append("| data set | rows | held out | file MB | file | details |\n|---|---:|---:|---:|---|---|\n");
        for (MlDataGenerator.Generated g : files) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,.1f | %s | %s |%n", g.set().label(), g.rows(), g.testRows(), g.bytes() / 1e6,
                    g.reused() ? "reused" : String.format(Locale.ROOT, "generated in %.1f s", g.seconds()),
                    g.details().entrySet().stream().sorted(Map.Entry.comparingByKey()).map(x -> x.getKey() + " " + x.getValue())
                            .reduce((x, y) -> x + ", " + y).orElse("")));
        }
        md.append('\n');
        return md.toString();
    }

    private static String params(Map<String, Object> params) {
        List<String> shown = new ArrayList<>();
        for (String name : SHOWN_PARAMS) {
            if (params.containsKey(name)) {
                shown.add(name + " = " + params.get(name));
            }
        }
        return shown.isEmpty() ? "defaults" : String.join(", ", shown);
    }

    private static String rowsCell(long train, long test) {
        return test == 0 ? String.format(Locale.ROOT, "%,d (all)", train) : String.format(Locale.ROOT, "%,d / %,d", train, test);
    }

    private static String num(Double v) {
        if (v == null || v.isNaN()) {
            return "–";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.1f" : "%.4f", v);
    }

    /** Seconds with three significant digits below 10 s (0.0123, 1.23), one decimal above. */
    private static String secs(double s) {
        return String.format(Locale.ROOT, s >= 10 ? "%,.1f" : s >= 1 ? "%.2f" : "%.3f", s);
    }

    private static String cores(double c) {
        return c < 0 ? "–" : String.format(Locale.ROOT, "%.2f", c);
    }
}
