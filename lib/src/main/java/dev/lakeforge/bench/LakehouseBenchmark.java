package dev.lakeforge.bench;

import dev.lakeforge.spark.HeapSampler;
import dev.lakeforge.spark.WorkMeter;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.generate.EnterpriseDataGenerator;
import dev.lakeforge.ingest.IngestResult;
import dev.lakeforge.ingest.IngestAction;
import dev.lakeforge.ingest.LandingBatches;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.refine.RefineAction;
import dev.lakeforge.refine.RefineResult;
import dev.lakeforge.runs.JobRunner;
import dev.lakeforge.runs.RunRecord;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Lakeforge's ingest + refine against the same work in plain Spark ({@link PlainSparkBaseline}), per landing size,
 * in one JVM and SparkSession:
 * <pre>
 *   LakehouseBenchmark.Result r = LakehouseBenchmark.create(spark, loadedConfig)
 *       .sizes(List.of("1M", "10M")).workDir(Path.of("target/bench")).out(Path.of("docs/benchmarks-lakehouse.md"))
 *       .heapNote("LAKEFORGE_HEAP=4g").command("bin/lakeforge bench --sizes 1M,10M")
 *       .execute();
 * </pre>
 * For each size the landing folder is generated once ({@code <workDir>/landing-<size>}; reused when its
 * {@code _manifest.json} has the same order lines, seed and batches), then (a) Lakeforge — the ingest and refine
 * library actions, each under its own {@link JobRunner} run, as the {@code ingest} and {@code refine} commands run
 * them — on a fresh lakehouse folder, and (b) the baseline on another fresh folder. Before each stage: a GC and an
 * empty Spark cache. Per stage: wall time, input rows, rows/s, the peak heap used while it ran (polled every 100 ms
 * and read before every GC) and GC time. A small warm-up run of both (default 25K order lines) comes first so that
 * neither side pays for the JIT alone.
 */
public final class LakehouseBenchmark {
    public static final String LAKEFORGE = "lakeforge";
    public static final String BASELINE = "baseline";
    public static final List<String> STAGES = List.of("ingest", "refine");
    private static final List<String> LAYERS = List.of("bronze", "silver", "quarantine", "ops");

    private final SparkSession spark;
    private final LoadedConfig config;
    private List<String> sizes = List.of("1M");
    private Path workDir = Path.of("target", "bench");
    private Path out;
    private String heapNote = "";
    private String command = "";
    private long seed = 42L;
    private int batches = 3;
    private String warmup = "25K";
    private Path referenceDir;
    private PrintStream log = System.out;

    private LakehouseBenchmark(SparkSession spark, LoadedConfig config) {
        this.spark = spark;
        this.config = config;
    }

    /** The session both sides run in, and the configuration whose sources ({@code lakeforge.sources}) they load. */
    public static LakehouseBenchmark create(SparkSession spark, LoadedConfig config) {
        return new LakehouseBenchmark(spark, config);
    }

    /** Landing sizes in order lines, as {@code generate --scale} takes them: {@code 1M}, {@code 10M}, {@code 250K}, {@code 4}. */
    public LakehouseBenchmark sizes(List<String> sizes) {
        sizes.forEach(EnterpriseDataGenerator::orderLinesForScale);
        this.sizes = List.copyOf(sizes);
        return this;
    }

    /** Folder for the landing folders (kept and reused) and the lakehouses (replaced on every run). */
    public LakehouseBenchmark workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /** Markdown file to write the results to (null: none). */
    public LakehouseBenchmark out(Path file) {
        this.out = file;
        return this;
    }

    /** How the heap was set, for the report (e.g. {@code LAKEFORGE_HEAP=4g}). */
    public LakehouseBenchmark heapNote(String note) {
        this.heapNote = note == null ? "" : note;
        return this;
    }

    /** The command line that reproduces the run, for the report. */
    public LakehouseBenchmark command(String command) {
        this.command = command == null ? "" : command;
        return this;
    }

    public LakehouseBenchmark seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Daily batches after the initial load (default 3, as {@code generate}). */
    public LakehouseBenchmark batches(int batches) {
        this.batches = batches;
        return this;
    }

    /** Size of the unrecorded warm-up run of both sides (default 25K); null or "none" for no warm-up. */
    public LakehouseBenchmark warmup(String size) {
        this.warmup = size == null || size.equalsIgnoreCase("none") ? null : size;
        if (warmup != null) {
            EnterpriseDataGenerator.orderLinesForScale(warmup);
        }
        return this;
    }

    /** Real market series to copy into the landing folders' reference/ (optional). */
    public LakehouseBenchmark referenceDir(Path dir) {
        this.referenceDir = dir;
        return this;
    }

    /** Where progress goes (default System.out). */
    public LakehouseBenchmark log(PrintStream log) {
        this.log = log;
        return this;
    }

    // ------------------------------------------------------------------ results

    /**
     * One stage of one side at one size.
     *
     * @param millis          wall time
     * @param inputRows       rows the stage took in
     * @param peakHeapBytes   most heap in use while it ran
     * @param maxAfterGcBytes most heap a GC left in use while it ran (-1: no GC)
     * @param gcMillis        GC time while it ran
     * @param cpuMillis       CPU time of this JVM while it ran (all threads; less sensitive than wall time to other load)
     * @param otherCores      average cores other processes kept busy while it ran (-1: unknown; Linux /proc/stat)
     */
    public record StageResult(String system, String stage, long millis, long inputRows, long peakHeapBytes, long maxAfterGcBytes,
                              long gcMillis, long cpuMillis, double otherCores) {
        public double seconds() {
            return millis / 1000.0;
        }

        public double rowsPerSecond() {
            return millis == 0 ? 0 : inputRows * 1000.0 / millis;
        }
    }

    /** What each side did with one source (times and counts; counts read after the timed stages). */
    public record SourceResult(String source, long landingRows, long lakeforgeIngestMillis, long lakeforgeBronzeRows,
                               long lakeforgeRejected, long lakeforgeQuarantined, long lakeforgeSilverRows,
                               long baselineIngestMillis, long baselineRefineMillis, long baselineBronzeRows,
                               long baselineQuarantined, long baselineSilverRows) {
    }

    /**
     * One landing size.
     *
     * @param storageBytes bytes on disk per {@code <system>.<layer>} (bronze, silver, quarantine, ops) after the run
     */
    public record SizeResult(String size, long orderLines, Path landing, long landingBytes, boolean landingReused,
                             double generateSeconds, LocalDate runDate, List<StageResult> stages, List<SourceResult> sources,
                             Map<String, Long> storageBytes) {
        public StageResult stage(String system, String stage) {
            return stages.stream().filter(s -> s.system().equals(system) && s.stage().equals(stage)).findFirst().orElseThrow();
        }

        /** ingest + refine of one side; the peak heap is the larger of the two. */
        public StageResult total(String system) {
            StageResult i = stage(system, "ingest");
            StageResult r = stage(system, "refine");
            double other = i.otherCores() < 0 || r.otherCores() < 0 ? -1
                    : (i.otherCores() * i.millis() + r.otherCores() * r.millis()) / Math.max(1, i.millis() + r.millis());
            return new StageResult(system, "total", i.millis() + r.millis(), i.inputRows(), Math.max(i.peakHeapBytes(), r.peakHeapBytes()),
                    Math.max(i.maxAfterGcBytes(), r.maxAfterGcBytes()), i.gcMillis() + r.gcMillis(), i.cpuMillis() + r.cpuMillis(), other);
        }
    }

    /** The whole run and its Markdown report. */
    public record Result(List<SizeResult> sizes, String machine, String markdown) {
    }

    // ------------------------------------------------------------------ run

    public Result execute() {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + workDir, e);
        }
        SourceCatalog catalog = SourceCatalog.from(config.config()).requireSources();
        Instant started = Instant.now();
        try (HeapSampler heap = new HeapSampler()) {
            if (warmup != null) {
                long t0 = System.nanoTime();
                log.printf(Locale.ROOT, "Warm-up on %s order lines (not recorded)%n", warmup);
                runSize(catalog, heap, warmup, "warmup");
                log.printf(Locale.ROOT, "Warm-up done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            }
            List<SizeResult> results = new ArrayList<>();
            for (String size : sizes) {
                results.add(runSize(catalog, heap, size, size));
            }
            String machine = machine();
            String md = markdown(results, machine, started);
            if (out != null) {
                BenchLanding.write(out, md);
            }
            return new Result(List.copyOf(results), machine, md);
        }
    }

    private SizeResult runSize(SourceCatalog catalog, HeapSampler heap, String size, String label) {
        BenchLanding.Prepared prepared = BenchLanding.prepare(workDir, size, label, seed, batches, referenceDir, log);
        Path landing = prepared.dir();
        boolean reused = prepared.reused();
        double generateSeconds = prepared.generateSeconds();
        Map<String, Long> landingRows = BenchLanding.rowsPerFile(landing);
        long landingTotal = landingRows.values().stream().mapToLong(Long::longValue).sum();
        long landingBytes = BenchLanding.folderBytes(landing);
        LocalDate runDate = LandingBatches.latest(spark.sparkContext().hadoopConfiguration(), landing.toString(), LocalDate.MAX)
                .orElseThrow(() -> new IllegalStateException("No batch folders in " + landing));
        List<SourceSpec> specs = catalog.inDependencyOrder();

        // (a) Lakeforge: the library actions, each command's body under its own JobRunner run.
        Path lfRoot = BenchLanding.freshDir(workDir.resolve("lake-" + label).resolve(LAKEFORGE));
        Lakehouse lake = new Lakehouse(spark, lfRoot.toString(), config.config().retry());
        PrintStream summaries = new PrintStream(OutputStream.nullOutputStream());
        Map<String, Long> lfIngestMs = new java.util.concurrent.ConcurrentHashMap<>();
        int parallelism = config.config().lakehouse().parallelism();
        List<IngestResult> ingested = new ArrayList<>();
        List<RefineResult> refined = new ArrayList<>();
        log.printf(Locale.ROOT, "[%s] Lakeforge ingest (run date %s) ...%n", label, runDate);
        StageResult lfIngest = measure(heap, LAKEFORGE, "ingest", () -> landingTotal, () -> {
            RunRecord rec = new JobRunner(lake, config).out(summaries).run("ingest", runDate, run -> {
                ingested.addAll(new IngestAction(lake, landing.toString()).sources(catalog).runDate(runDate).run(run)
                        .parallelism(parallelism).onSourceDone((r, took) -> lfIngestMs.put(r.source(), took.toMillis())).execute());
            });
            requireSucceeded(rec);
        });
        log(label, lfIngest);
        long bronzeRows = ingested.stream().mapToLong(IngestResult::rowsLoaded).sum();
        log.printf(Locale.ROOT, "[%s] Lakeforge refine ...%n", label);
        StageResult lfRefine = measure(heap, LAKEFORGE, "refine", () -> bronzeRows, () -> {
            RunRecord rec = new JobRunner(lake, config).out(summaries).run("refine", runDate,
                    run -> refined.addAll(new RefineAction(lake).sources(catalog).parallelism(parallelism).runDate(runDate).run(run).execute()));
            requireSucceeded(rec);
        });
        log(label, lfRefine);

        // (b) the plain-Spark baseline, same session, another fresh folder.
        Path baseRoot = BenchLanding.freshDir(workDir.resolve("lake-" + label).resolve(BASELINE));
        PlainSparkBaseline baseline = PlainSparkBaseline.create(spark).sources(specs).landing(landing.toString())
                .root(baseRoot.toString()).runDate(runDate);
        List<PlainSparkBaseline.SourceTiming> baseTimes = new ArrayList<>();
        log.printf(Locale.ROOT, "[%s] baseline ingest ...%n", label);
        StageResult bIngest = measure(heap, BASELINE, "ingest", () -> landingTotal, () -> baseTimes.addAll(baseline.ingest()));
        log(label, bIngest);
        log.printf(Locale.ROOT, "[%s] baseline refine ...%n", label);
        StageResult bRefine = measure(heap, BASELINE, "refine", () -> bronzeRows, () -> baseTimes.addAll(baseline.refine()));
        log(label, bRefine);

        // counts, outside the timings
        List<SourceResult> sources = new ArrayList<>();
        for (SourceSpec s : specs) {
            Optional<IngestResult> i = ingested.stream().filter(r -> r.source().equals(s.name())).findFirst();
            Optional<RefineResult> r = refined.stream().filter(x -> x.source().equals(s.name())).findFirst();
            long landed = landingRows.entrySet().stream().filter(e -> matches(s, e.getKey())).mapToLong(Map.Entry::getValue).sum();
            sources.add(new SourceResult(s.name(), landed, lfIngestMs.getOrDefault(s.name(), 0L),
                    i.map(IngestResult::rowsLoaded).orElse(0L), i.map(IngestResult::rowsRejected).orElse(0L),
                    r.map(RefineResult::quarantined).orElse(0L), r.map(RefineResult::silverRows).orElse(0L),
                    millis(baseTimes, s.name(), "ingest"), millis(baseTimes, s.name(), "refine"),
                    Math.max(0, baseline.count("bronze", s.name())), Math.max(0, baseline.count("quarantine", s.name())),
                    Math.max(0, baseline.count("silver", s.name()))));
        }
        Map<String, Long> storage = new LinkedHashMap<>();
        for (String layer : LAYERS) {
            storage.put(LAKEFORGE + "." + layer, BenchLanding.folderBytes(lfRoot.resolve(layer)));
            storage.put(BASELINE + "." + layer, BenchLanding.folderBytes(baseRoot.resolve(layer)));
        }
        return new SizeResult(size, prepared.orderLines(), landing, landingBytes, reused, generateSeconds, runDate,
                List.of(lfIngest, lfRefine, bIngest, bRefine), List.copyOf(sources), Map.copyOf(storage));
    }

    private void log(String label, StageResult s) {
        log.printf(Locale.ROOT, "[%s] %-9s %-6s %8.1f s  %,12d rows  %,10.0f rows/s  CPU %8.1f s  peak heap %,6d MB  after GC %s MB"
                        + "  GC %,6d ms  other processes %s cores%n", label, s.system(), s.stage(), s.seconds(), s.inputRows(), s.rowsPerSecond(),
                s.cpuMillis() / 1000.0, s.peakHeapBytes() >> 20, mb(s.maxAfterGcBytes()), s.gcMillis(), cores(s.otherCores()));
    }

    private static void requireSucceeded(RunRecord rec) {
        if (!rec.succeeded()) {
            throw new IllegalStateException("Lakeforge " + rec.job() + " failed: " + rec.errorMessage());
        }
    }

    private static long millis(List<PlainSparkBaseline.SourceTiming> times, String source, String step) {
        return times.stream().filter(t -> t.source().equals(source) && t.step().equals(step))
                .mapToLong(PlainSparkBaseline.SourceTiming::millis).sum();
    }

    private StageResult measure(HeapSampler heap, String system, String stage, Supplier<Long> rows, Runnable body) {
        spark.catalog().clearCache();
        System.gc();
        long gc0 = WorkMeter.gcMillis();
        heap.reset();
        long cpu0 = BenchMachine.processCpuNanos();
        long busy0 = BenchMachine.systemBusyMillis();
        long t0 = System.nanoTime();
        body.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long cpuMs = (BenchMachine.processCpuNanos() - cpu0) / 1_000_000;
        long busy1 = BenchMachine.systemBusyMillis();
        double other = BenchMachine.otherCores(busy0, busy1, cpu0 < 0 ? -1 : cpuMs, ms);
        long peak = heap.peak();
        return new StageResult(system, stage, ms, rows.get(), peak, heap.maxAfterGc(), WorkMeter.gcMillis() - gc0, cpu0 < 0 ? -1 : cpuMs, other);
    }

    // ------------------------------------------------------------------ landing folders

    private static boolean matches(SourceSpec spec, String relative) {
        return relative.matches(spec.path().replace(".", "\\.").replace("*", "[^/]*").replace("?", "[^/]"));
    }

    // ------------------------------------------------------------------ report

    private String machine() {
        StringBuilder sb = new StringBuilder(BenchMachine.describe(spark, heapNote));
        sb.append(", AQE ").append(spark.conf().get("spark.sql.adaptive.enabled", "true"));
        deltaVersion().ifPresent(v -> sb.append("; Delta Lake ").append(v));
        return sb.toString();
    }

    private static Optional<String> deltaVersion() {
        try {
            return Optional.of(String.valueOf(Class.forName("io.delta.package").getMethod("VERSION").invoke(null)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    private String markdown(List<SizeResult> results, String machine, Instant started) {
        StringBuilder md = new StringBuilder();
        md.append("# Lakehouse benchmark: Lakeforge ingest + refine vs. plain Spark\n\n");
        md.append("Run on ").append(DateTimeFormatter.ISO_LOCAL_DATE.format(started.atZone(ZoneOffset.UTC)))
                .append(" (started ").append(DateTimeFormatter.ofPattern("HH:mm").format(started.atZone(ZoneOffset.UTC))).append(" UTC).\n\n");
        md.append("**Machine:** ").append(machine).append(".\n\n");
        if (!command.isBlank()) {
            md.append("**Reproduce:**\n\n```bash\n").append(command).append("\n```\n\n");
        }
        md.append("""
                **What runs.** Per size, one generated landing folder (`lakeforge generate`, seed %d, the initial load plus %d daily \
                batches, default dirt), all batches in one run, every configured source (`conf/sources.conf`). \
                *Lakeforge*: `IngestAction`, then `RefineAction`, each under its own `JobRunner` run, as the `ingest` and `refine` \
                commands run them, %d source(s) at a time (`lakeforge.lakehouse.parallelism`; the baseline is a plain loop, one \
                source after the other) (file ledger with checksums, rejects with line numbers, run records, \
                quality results, change-data-feed reads, SCD2 for customers and products, table checks, all-or-nothing restore \
                snapshot). *Baseline* (`dev.lakeforge.bench.PlainSparkBaseline`): `spark.read.csv/json` with an all-string schema \
                in PERMISSIVE mode into bronze Delta tables (append, `_source_file`), then typing with `try_cast`, trimming, the \
                same required columns, quarantine expectations and references (left-anti join), quarantine table, latest \
                `updated_at` per key, and a plain MERGE upsert (also for customers and products). Both run in the same JVM and \
                SparkSession on fresh lakehouse folders%s; a GC and an empty Spark cache precede each stage.

                **Columns.** *Input rows*: landing data lines for ingest (from `_manifest.json`), bronze rows (Lakeforge's) for \
                refine. *Peak heap*: the most heap in use while the stage ran (polled every 100 ms and read before every GC); it mostly \
                shows how far the collector let the heap fill. *Max after GC*: the most heap a GC during the stage left in use, \
                closer to the live data (– when no GC ran). *GC s*: collection time during the stage. *CPU s*: CPU time of the \
                benchmark JVM (all threads) during the stage. *Other processes*: average cores other processes on the machine kept \
                busy during the stage (from `/proc/stat`); above 0.1 the wall times are disturbed, the CPU times much less. \
                *Ratio* = Lakeforge time / baseline time (> 1: Lakeforge is slower).

                """.formatted(seed, batches, config.config().lakehouse().parallelism(), warmup == null ? "" : ", after an unrecorded warm-up of both on " + warmup + " order lines"));

        md.append("## Results\n\n");
        md.append("| size | stage | input rows | Lakeforge s | baseline s | **ratio LF / baseline** | Lakeforge rows/s | baseline rows/s "
                + "| Lakeforge CPU s | baseline CPU s | CPU ratio | other processes, cores (LF / baseline) |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SizeResult r : results) {
            for (String stage : List.of("ingest", "refine", "total")) {
                StageResult lf = stage.equals("total") ? r.total(LAKEFORGE) : r.stage(LAKEFORGE, stage);
                StageResult b = stage.equals("total") ? r.total(BASELINE) : r.stage(BASELINE, stage);
                md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.1f | %.1f | **%.2f** | %,.0f | %,.0f | %.1f | %.1f | %.2f | %s / %s |%n",
                        r.size(), stage.equals("total") ? "**ingest + refine**" : stage, lf.inputRows(), lf.seconds(), b.seconds(),
                        ratio(lf.millis(), b.millis()), lf.rowsPerSecond(), b.rowsPerSecond(), lf.cpuMillis() / 1000.0,
                        b.cpuMillis() / 1000.0, ratio(lf.cpuMillis(), b.cpuMillis()), cores(lf.otherCores()), cores(b.otherCores())));
            }
        }
        md.append("\n### Memory\n\n");
        md.append("| size | stage | Lakeforge peak heap MB | baseline peak heap MB | Lakeforge max after GC MB | baseline max after GC MB "
                + "| Lakeforge GC s | baseline GC s |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (SizeResult r : results) {
            for (String stage : List.of("ingest", "refine", "total")) {
                StageResult lf = stage.equals("total") ? r.total(LAKEFORGE) : r.stage(LAKEFORGE, stage);
                StageResult b = stage.equals("total") ? r.total(BASELINE) : r.stage(BASELINE, stage);
                md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %s | %s | %.1f | %.1f |%n",
                        r.size(), stage.equals("total") ? "**ingest + refine**" : stage, lf.peakHeapBytes() >> 20, b.peakHeapBytes() >> 20,
                        mb(lf.maxAfterGcBytes()), mb(b.maxAfterGcBytes()), lf.gcMillis() / 1000.0, b.gcMillis() / 1000.0));
            }
        }
        md.append('\n');
        for (SizeResult r : results) {
            md.append(String.format(Locale.ROOT, "- %s: %,d order lines, landing %,.0f MB (%s), run date %s%n", r.size(), r.orderLines(),
                    r.landingBytes() / 1e6, r.landingReused() ? "reused" : String.format(Locale.ROOT, "generated in %.0f s",
                            r.generateSeconds()), r.runDate()));
        }
        md.append('\n');

        md.append("### Storage on disk\n\n");
        md.append("All files of each layer's tables after the run (Delta logs included; bronze includes Lakeforge's `bronze.rejects`, "
                + "ops its ledger, run records, quality results and watermarks).\n\n");
        md.append("| size | layer | Lakeforge MB | baseline MB | ratio LF / baseline |\n|---|---|---:|---:|---:|\n");
        for (SizeResult r : results) {
            long lfTotal = 0;
            long bTotal = 0;
            for (String layer : LAYERS) {
                long lf = r.storageBytes().getOrDefault(LAKEFORGE + "." + layer, 0L);
                long b = r.storageBytes().getOrDefault(BASELINE + "." + layer, 0L);
                lfTotal += lf;
                bTotal += b;
                md.append(String.format(Locale.ROOT, "| %s | %s | %,.1f | %,.1f | %s |%n", r.size(), layer, lf / 1e6, b / 1e6,
                        b == 0 ? "–" : String.format(Locale.ROOT, "%.1f", lf / (double) b)));
            }
            md.append(String.format(Locale.ROOT, "| %s | **all** | %,.1f | %,.1f | %.1f |%n", r.size(), lfTotal / 1e6, bTotal / 1e6,
                    ratio(lfTotal, bTotal)));
        }
        md.append('\n');

        if (results.size() > 1) {
            // each size against the next smaller one: 10M / 1M, 1M / 250K, ...
            List<SizeResult> bySize = results.stream().sorted(Comparator.comparingLong(SizeResult::orderLines)).toList();
            md.append("## Scaling\n\n");
            md.append("Time at each size divided by the time at the next smaller size (linear scaling: the time ratio equals the rows "
                    + "ratio; below it, fixed costs still weigh).\n\n");
            md.append("| stage | sizes | rows ratio | Lakeforge s | Lakeforge time ratio | Lakeforge CPU ratio | baseline s "
                    + "| baseline time ratio | baseline CPU ratio |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String stage : List.of("ingest", "refine", "total")) {
                for (int i = 1; i < bySize.size(); i++) {
                    SizeResult small = bySize.get(i - 1);
                    SizeResult r = bySize.get(i);
                    StageResult lf0 = stage.equals("total") ? small.total(LAKEFORGE) : small.stage(LAKEFORGE, stage);
                    StageResult b0 = stage.equals("total") ? small.total(BASELINE) : small.stage(BASELINE, stage);
                    StageResult lf = stage.equals("total") ? r.total(LAKEFORGE) : r.stage(LAKEFORGE, stage);
                    StageResult b = stage.equals("total") ? r.total(BASELINE) : r.stage(BASELINE, stage);
                    md.append(String.format(Locale.ROOT, "| %s | %s / %s | %.1f | %.1f → %.1f | %.2f | %.2f | %.1f → %.1f | %.2f | %.2f |%n",
                            stage.equals("total") ? "ingest + refine" : stage, r.size(), small.size(),
                            ratio(lf.inputRows(), lf0.inputRows()), lf0.seconds(), lf.seconds(), ratio(lf.millis(), lf0.millis()),
                            ratio(lf.cpuMillis(), lf0.cpuMillis()), b0.seconds(), b.seconds(), ratio(b.millis(), b0.millis()),
                            ratio(b.cpuMillis(), b0.cpuMillis())));
                }
            }
            md.append('\n');
        }

        for (SizeResult r : results) {
            md.append("## Per source at ").append(r.size()).append("\n\n");
            md.append("Lakeforge's refine runs all sources in one `RefineAction`, so only its total is timed. Silver rows: "
                    + "Lakeforge keeps SCD2 history for customers and products; the baseline one row per key.\n\n");
            md.append("| source | landing rows | LF ingest s | baseline ingest s | baseline refine s | LF bronze rows | baseline bronze rows "
                    + "| LF rejected | LF quarantined | baseline quarantined | LF silver rows | baseline silver rows |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (SourceResult s : r.sources()) {
                md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %,d | %,d | %,d | %,d | %,d | %,d | %,d |%n",
                        s.source(), s.landingRows(), s.lakeforgeIngestMillis() / 1000.0, s.baselineIngestMillis() / 1000.0,
                        s.baselineRefineMillis() / 1000.0, s.lakeforgeBronzeRows(), s.baselineBronzeRows(), s.lakeforgeRejected(),
                        s.lakeforgeQuarantined(), s.baselineQuarantined(), s.lakeforgeSilverRows(), s.baselineSilverRows()));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String cores(double c) {
        return c < 0 ? "–" : String.format(Locale.ROOT, "%.2f", c);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%,d", bytes >> 20);
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }
}
