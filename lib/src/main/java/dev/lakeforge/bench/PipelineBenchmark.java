package dev.lakeforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.ingest.LandingBatches;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.ml.BusinessModel;
import dev.lakeforge.ml.ModelSpec;
import dev.lakeforge.runs.RunRecordStore;
import dev.lakeforge.spark.WorkMeter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The whole pipeline, stage by stage, at several landing sizes, against the plain-Spark baselines:
 * <pre>
 *   PipelineBenchmark.Result r = PipelineBenchmark.create(spark, loadedConfig)
 *       .sizes(List.of("1M", "10M", "50M")).alsSizes(List.of("1M", "10M"))
 *       .launcher(javaCommand, "dev.lakeforge.jobs.LakeforgeCli").heap("4g")
 *       .workDir(Path.of("target/bench")).out(Path.of("docs/benchmarks.md")).plot(Path.of("docs/images/benchmarks-time.png"))
 *       .execute();
 * </pre>
 * Per size, the landing folder is generated once and reused ({@code <workDir>/landing-<size>}); then, each in a
 * JVM of its own with the same driver heap (so that one side's garbage or cache never burdens the other, and the
 * peak heap is the stage's own): (a) {@code lakeforge pipeline} on a fresh lakehouse, which measures every stage
 * with a {@link WorkMeter} and keeps the figures in its run record ({@code stage_*} counters), read back from there;
 * (b) the plain-Spark baseline ({@link PlainPipelineBaseline}: ingest, refine, marts) through the
 * {@code bench-baseline} command, which writes its figures to a JSON file. At sizes not in {@link #alsSizes}
 * the pipeline trains every business model except the ALS ones.
 */
public final class PipelineBenchmark {
    public static final String LAKEFORGE = "lakeforge";
    public static final String BASELINE = "baseline";

    private final SparkSession spark;
    private final LoadedConfig config;
    private List<String> sizes = List.of("1M", "10M", "50M");
    private List<String> alsSizes = List.of("1M", "10M");
    private Path workDir = Path.of("target", "bench");
    private Path out;
    private Path plot;
    private List<String> java = List.of();
    private String mainClass;
    private String heap = "4g";
    private List<String> childOptions = List.of();
    private boolean baseline = true;
    private long seed = 42L;
    private int batches = 3;
    private Path referenceDir;
    private String command = "";
    private PrintStream log = System.out;
    private boolean reuse;

    private PipelineBenchmark(SparkSession spark, LoadedConfig config) {
        this.spark = spark;
        this.config = config;
    }

    /** A session to read the runs' records with, and the configuration the runs use (sources, business models). */
    public static PipelineBenchmark create(SparkSession spark, LoadedConfig config) {
        return new PipelineBenchmark(spark, config);
    }

    public PipelineBenchmark sizes(List<String> sizes) {
        sizes.forEach(dev.lakeforge.generate.EnterpriseDataGenerator::orderLinesForScale);
        this.sizes = List.copyOf(sizes);
        return this;
    }

    /** Sizes at which the ALS models train (elsewhere they are left out of the predict stage). */
    public PipelineBenchmark alsSizes(List<String> sizes) {
        this.alsSizes = List.copyOf(sizes);
        return this;
    }

    public PipelineBenchmark workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /** The Markdown report (null: none). */
    public PipelineBenchmark out(Path file) {
        this.out = file;
        return this;
    }

    /** The PNG plot of time against size (null: none). */
    public PipelineBenchmark plot(Path file) {
        this.plot = file;
        return this;
    }

    /**
     * How to start a Lakeforge JVM: the java command with its options (the {@code --add-opens} flags Spark needs;
     * any {@code -Xmx} is replaced by {@link #heap}) and the class path, then the CLI's main class.
     */
    public PipelineBenchmark launcher(List<String> javaWithOptionsAndClassPath, String mainClass) {
        this.java = javaWithOptionsAndClassPath.stream().filter(a -> !a.startsWith("-Xmx")).toList();
        this.mainClass = mainClass;
        return this;
    }

    /** Driver heap of every measured JVM (default 4g). */
    public PipelineBenchmark heap(String heap) {
        this.heap = heap;
        return this;
    }

    /** Options every measured run gets (e.g. {@code --conf}, {@code --env}, {@code --set}). */
    public PipelineBenchmark childOptions(List<String> options) {
        this.childOptions = List.copyOf(options);
        return this;
    }

    public PipelineBenchmark baseline(boolean run) {
        this.baseline = run;
        return this;
    }

    public PipelineBenchmark seed(long seed) {
        this.seed = seed;
        return this;
    }

    public PipelineBenchmark referenceDir(Path dir) {
        this.referenceDir = dir;
        return this;
    }

    /** The command line that reproduces the run, for the report. */
    public PipelineBenchmark command(String command) {
        this.command = command == null ? "" : command;
        return this;
    }

    /**
     * Read back the sizes already measured under {@link #workDir} with the same driver heap, seed, batches, ALS setting
     * and baseline choice ({@code pipeline-<size>/result.json}, written after each size) instead of running them again:
     * a multi-hour run that died at its largest size resumes there.
     */
    public PipelineBenchmark reuse(boolean reuse) {
        this.reuse = reuse;
        return this;
    }

    public PipelineBenchmark log(PrintStream log) {
        this.log = log;
        return this;
    }

    /** One stage of one side at one size. */
    public record StageRun(String size, long orderLines, String system, String stage, WorkMeter.Work work) {
        public double rowsPerSecond() {
            return work.millis() == 0 ? 0 : orderLines * 1000.0 / work.millis();
        }
    }

    /** One size: the landing and the two runs' stages, and when the Lakeforge run started. */
    public record SizeRun(String size, long orderLines, long landingBytes, LocalDate runDate, boolean als, long pipelineMillis,
                          Instant measuredAt, List<StageRun> stages) {
        public Optional<StageRun> stage(String system, String stage) {
            return stages.stream().filter(s -> s.system().equals(system) && s.stage().equals(stage)).findFirst();
        }
    }

    public record Result(List<SizeRun> sizes, String markdown) {
    }

    public Result execute() {
        if (java.isEmpty() || mainClass == null) {
            throw new IllegalStateException("launcher(...) is required: how to start a Lakeforge JVM");
        }
        Instant started = Instant.now();
        List<SizeRun> runs = new ArrayList<>();
        for (String size : sizes) {
            runs.add(runSize(size));
            // a partial report after every size: a long run that dies later still leaves what it measured
            write(markdown(runs, started));
        }
        String md = markdown(runs, started);
        write(md);
        if (plot != null) {
            plot(runs, plot);
        }
        return new Result(List.copyOf(runs), md);
    }

    private SizeRun runSize(String size) {
        BenchLanding.Prepared landing = BenchLanding.prepare(workDir, size, size, seed, batches, referenceDir, log);
        LocalDate runDate = LandingBatches.latest(spark.sparkContext().hadoopConfiguration(), landing.dir().toString(), LocalDate.MAX)
                .orElseThrow(() -> new IllegalStateException("No batch folders in " + landing.dir()));
        Path sizeDir = workDir.resolve("pipeline-" + size).toAbsolutePath();
        boolean als = alsSizes.contains(size);
        Path result = sizeDir.resolve(RESULT);
        Setting setting = new Setting(heap, seed, batches, als, baseline, landing.orderLines(), runDate);
        if (reuse && Files.isRegularFile(result)) {
            Optional<SizeRun> earlier = readSizeRun(result, setting);
            if (earlier.isPresent()) {
                log.printf(Locale.ROOT, "[%s] reusing what was measured at %s (%s; delete it to measure again)%n", size,
                        earlier.get().measuredAt(), result);
                return earlier.get();
            }
            log.printf(Locale.ROOT, "[%s] %s was measured with other settings: measuring again%n", size, result);
        }
        result.toFile().delete(); // a size measured again leaves no stale result behind if this run dies
        Instant measuredAt = Instant.now();
        Path lfRoot = BenchLanding.freshDir(sizeDir.resolve(LAKEFORGE));
        List<String> args = new ArrayList<>(List.of("pipeline", "--run-date", runDate.toString(),
                "--set", "lakehouse.root=" + lfRoot, "--set", "lakehouse.landing=" + landing.dir()));
        if (!als) {
            args.addAll(List.of("--set", "models.business=" + nonAlsModels()));
        }
        List<StageRun> stages = new ArrayList<>();
        log.printf(Locale.ROOT, "[%s] lakeforge pipeline (run date %s, driver heap %s%s) ...%n", size, runDate, heap,
                als ? "" : ", ALS models left out");
        long t0 = System.nanoTime();
        launch(args, sizeDir.resolve("lakeforge.log"));
        long pipelineMs = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Long> counters = pipelineCounters(lfRoot);
        for (String stage : config.config().models().pipelineStages()) {
            WorkMeter.Work w = WorkMeter.Work.fromCounters(counters, stage);
            if (w != null) {
                stages.add(new StageRun(size, landing.orderLines(), LAKEFORGE, stage, w));
                log.printf(Locale.ROOT, "[%s]   lakeforge %-8s %s%n", size, stage, w.summary());
            }
        }
        if (baseline) {
            Path baseRoot = BenchLanding.freshDir(sizeDir.resolve(BASELINE));
            Path json = sizeDir.resolve("baseline.json");
            log.printf(Locale.ROOT, "[%s] plain-Spark baseline %s ...%n", size, PlainPipelineBaseline.STAGES);
            launch(List.of("bench-baseline", "--landing", landing.dir().toString(), "--root", baseRoot.toString(),
                    "--silver-from", lfRoot.toString(), "--run-date", runDate.toString(), "--json", json.toString()),
                    sizeDir.resolve("baseline.log"));
            readWork(json).forEach((stage, w) -> {
                stages.add(new StageRun(size, landing.orderLines(), BASELINE, stage, w));
                log.printf(Locale.ROOT, "[%s]   baseline  %-8s %s%n", size, stage, w.summary());
            });
        }
        SizeRun run = new SizeRun(size, landing.orderLines(), BenchLanding.folderBytes(landing.dir()), runDate, als, pipelineMs, measuredAt,
                stages);
        writeSizeRun(run, setting, result);
        return run;
    }

    static final String RESULT = "result.json";

    /** What a measured size depends on besides the code: a result is reused only under the same setting. */
    record Setting(String heap, long seed, int batches, boolean als, boolean baseline, long orderLines, LocalDate runDate) {
    }

    static void writeSizeRun(SizeRun run, Setting setting, Path json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("size", run.size());
        out.put("landingBytes", run.landingBytes());
        out.put("pipelineMillis", run.pipelineMillis());
        out.put("measuredAt", run.measuredAt().toString());
        out.put("setting", Map.of("heap", setting.heap(), "seed", setting.seed(), "batches", setting.batches(), "als", setting.als(),
                "baseline", setting.baseline(), "orderLines", setting.orderLines(), "runDate", setting.runDate().toString()));
        Map<String, Map<String, Map<String, Long>>> stages = new LinkedHashMap<>();
        for (StageRun s : run.stages()) {
            stages.computeIfAbsent(s.system(), k -> new LinkedHashMap<>()).put(s.stage(), s.work().counters(s.stage()));
        }
        out.put("stages", stages);
        try {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + json, e);
        }
    }

    /** The size measured in {@code json}, if it was measured under {@code wanted}; empty otherwise. */
    static Optional<SizeRun> readSizeRun(Path json, Setting wanted) {
        try {
            JsonNode root = new ObjectMapper().readTree(json.toFile());
            JsonNode s = root.path("setting");
            Setting had = new Setting(s.path("heap").asText(), s.path("seed").asLong(), s.path("batches").asInt(), s.path("als").asBoolean(),
                    s.path("baseline").asBoolean(), s.path("orderLines").asLong(), LocalDate.parse(s.path("runDate").asText()));
            if (!had.equals(wanted)) {
                return Optional.empty();
            }
            String size = root.path("size").asText();
            List<StageRun> stages = new ArrayList<>();
            for (String system : List.of(LAKEFORGE, BASELINE)) {
                works(root.path("stages").path(system)).forEach((stage, work) ->
                        stages.add(new StageRun(size, had.orderLines(), system, stage, work)));
            }
            return Optional.of(new SizeRun(size, had.orderLines(), root.path("landingBytes").asLong(), had.runDate(), had.als(),
                    root.path("pipelineMillis").asLong(), Instant.parse(root.path("measuredAt").asText()), stages));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the earlier result " + json + " (" + e.getMessage() + "); delete it to measure "
                    + "that size again", e);
        }
    }

    /** The business model files without the ALS ones, as a HOCON list. */
    private String nonAlsModels() {
        List<String> keep = new ArrayList<>();
        for (String file : config.config().models().business()) {
            if (BusinessModel.read(Path.of(file)).spec().algorithm() != ModelSpec.Algorithm.ALS) {
                keep.add("\"" + file.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
        }
        return "[" + String.join(", ", keep) + "]";
    }

    private void launch(List<String> args, Path logFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.get(0));
        cmd.add("-Xmx" + heap);
        cmd.addAll(java.subList(1, java.size()));
        cmd.add(mainClass);
        cmd.addAll(args);
        cmd.addAll(childOptions);
        try {
            Files.createDirectories(logFile.getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("'" + args.get(0) + "' exited with " + rc + "; its output is in " + logFile + ":\n"
                        + tail(logFile, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while '" + args.get(0) + "' ran", e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    private Map<String, Long> pipelineCounters(Path root) {
        Lakehouse lake = new Lakehouse(spark, root.toString(), config.config().retry());
        RunRecordStore store = new RunRecordStore(lake, TableName.parse(config.config().runs().table()));
        Row run = store.recent(1, Optional.of("pipeline")).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("No pipeline run recorded in " + root));
        Map<String, Long> m = run.getJavaMap(run.fieldIndex("metrics"));
        return m == null ? Map.of() : new LinkedHashMap<>(m);
    }

    /** Writes what each stage cost as JSON (the {@code bench-baseline} command's output). */
    public static void writeWork(Map<String, WorkMeter.Work> work, Path json) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        work.forEach((stage, w) -> out.put(stage, w.counters(stage)));
        try {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + json, e);
        }
    }

    static Map<String, WorkMeter.Work> readWork(Path json) {
        try {
            return works(new ObjectMapper().readTree(json.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + json, e);
        }
    }

    /** {@code {stage: {counter: number}}} as written by {@link #writeWork}, back as each stage's work. */
    private static Map<String, WorkMeter.Work> works(JsonNode byStage) {
        Map<String, WorkMeter.Work> out = new LinkedHashMap<>();
        byStage.fields().forEachRemaining(stage -> {
            Map<String, Long> counters = new LinkedHashMap<>();
            stage.getValue().fields().forEachRemaining(f -> counters.put(f.getKey(), f.getValue().asLong()));
            out.put(stage.getKey(), WorkMeter.Work.fromCounters(counters, stage.getKey()));
        });
        return out;
    }

    private void write(String md) {
        if (out != null) {
            BenchLanding.write(out, md);
        }
    }

    // ------------------------------------------------------------------ report

    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    String markdown(List<SizeRun> runs, Instant started) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Pipeline benchmark: every stage of the pipeline against data size\n\n");
        sb.append("Written by `lakeforge bench` (`dev.lakeforge.bench.PipelineBenchmark`). What the profiles showed and what was changed "
                + "because of them: [performance.md](performance.md).\n\n");
        sb.append("Run on ").append(MINUTES.format(started)).append(" UTC").append(runs.stream().anyMatch(r -> r.measuredAt().isBefore(started))
                ? " (sizes measured before that, read back with `--reuse`, give their own time below)" : "").append(".\n\n");
        sb.append("**Machine:** ").append(BenchMachine.describe(spark, "")).append(". Each measured run is a JVM of its own with `-Xmx")
                .append(heap).append("` (the driver heap; in local mode the executors run in it too).\n\n");
        if (!command.isBlank()) {
            sb.append("**Reproduce:**\n\n```bash\n").append(command).append("\n```\n\n");
        }
        sb.append("""
                **What runs.** Per size, one generated landing folder (`lakeforge generate`, seed %d, the initial load plus %d daily \
                batches, default dirt), loaded in one run. *Lakeforge*: `lakeforge pipeline --run-date <newest batch>` on a fresh \
                lakehouse, every stage of `lakeforge.pipeline.stages`; each stage measured by `WorkMeter` (a Spark listener over every \
                task, and a heap sampler) and recorded in the run record (`stage_*` counters in `ops.job_runs`). *Baseline* \
                (`bench-baseline`, `dev.lakeforge.bench.PlainPipelineBaseline`): ingest and refine written as plain Spark \
                (`PlainSparkBaseline`: the same sources, typing, quarantine and MERGE), and the marts as the same gold queries over \
                Lakeforge's silver, each written with a plain Delta overwrite (no incremental bookkeeping, lineage or run records). \
                predict, plan, publish and docs have no plain-Spark baseline. At sizes where ALS is left out, the predict stage trains \
                the other business models only.

                **Columns.** *Rows/s*: order lines of the size per second of the stage (one scale for every stage). *Task CPU*: CPU \
                time of Spark's tasks. *Read*: bytes tasks read from files and tables. *Shuffle*: bytes written to shuffle files. \
                *Peak heap*: the most heap in use in the JVM during the stage (polled every 100 ms and read before every GC): how far \
                the collector let the heap fill, garbage included. *Live heap*: the most heap a collection during the stage left in \
                use, closer to what the stage needed (–: no collection ran). \
                *Ratio*: Lakeforge time / baseline time.

                """.formatted(seed, batches));
        sb.append("## Per stage\n\n");
        sb.append("| size | stage | Lakeforge s | baseline s | ratio | rows/s | task CPU s | read MB | shuffle MB | spill MB | peak heap MB | live heap MB | GC s |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SizeRun r : runs) {
            long lfTotal = 0;
            for (StageRun s : r.stages()) {
                if (!s.system().equals(LAKEFORGE)) {
                    continue;
                }
                WorkMeter.Work w = s.work();
                lfTotal += w.millis();
                Optional<StageRun> b = r.stage(BASELINE, s.stage());
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %s | %,.0f | %.1f | %,d | %,d | %,d | %,d | %s | %.1f |%n",
                        r.size(), s.stage() + (s.stage().equals("predict") && !r.als() ? " (no ALS)" : ""), w.millis() / 1e3,
                        b.map(x -> String.format(Locale.ROOT, "%.1f", x.work().millis() / 1e3)).orElse("–"),
                        b.map(x -> String.format(Locale.ROOT, "**%.2f**", w.millis() / (double) Math.max(1, x.work().millis()))).orElse("–"),
                        s.rowsPerSecond(), w.taskCpuMillis() / 1e3, w.inputBytes() >> 20, w.shuffleWriteBytes() >> 20, w.spillBytes() >> 20,
                        w.peakHeapBytes() >> 20, w.liveHeapBytes() < 0 ? "–" : String.format(Locale.ROOT, "%,d", w.liveHeapBytes() >> 20),
                        w.gcMillis() / 1e3));
            }
            sb.append(String.format(Locale.ROOT, "| %s | **pipeline** | %.1f | | | %,.0f | | | | | | | |%n", r.size(), lfTotal / 1e3,
                    r.orderLines() * 1000.0 / Math.max(1, lfTotal)));
        }
        sb.append("\n");
        for (SizeRun r : runs) {
            sb.append(String.format(Locale.ROOT, "- %s: %,d order lines, landing %,d MB, run date %s, measured %s UTC, whole JVM %.1f s "
                    + "(start-up and configuration included)%s%n", r.size(), r.orderLines(), r.landingBytes() >> 20, r.runDate(),
                    MINUTES.format(r.measuredAt()), r.pipelineMillis() / 1e3, r.als() ? "" : "; ALS left out"));
        }
        sb.append("\n## Baseline stages\n\n| size | stage | baseline s | task CPU s | read MB | shuffle MB | peak heap MB | live heap MB |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (SizeRun r : runs) {
            for (StageRun s : r.stages()) {
                if (s.system().equals(BASELINE)) {
                    WorkMeter.Work w = s.work();
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %,d | %,d | %,d | %s |%n", r.size(), s.stage(), w.millis() / 1e3,
                            w.taskCpuMillis() / 1e3, w.inputBytes() >> 20, w.shuffleWriteBytes() >> 20, w.peakHeapBytes() >> 20,
                            w.liveHeapBytes() < 0 ? "–" : String.format(Locale.ROOT, "%,d", w.liveHeapBytes() >> 20)));
                }
            }
        }
        if (runs.size() > 1) {
            sb.append("\n## Scaling\n\nTime at each size divided by the time at the size before it; linear growth: the time ratio is at most "
                    + "the rows ratio.\n\n| stage | sizes | rows ratio | Lakeforge time ratio | linear or better | baseline time ratio |\n"
                    + "|---|---|---:|---:|---|---:|\n");
            for (int i = 1; i < runs.size(); i++) {
                SizeRun a = runs.get(i - 1);
                SizeRun b = runs.get(i);
                double rows = b.orderLines() / (double) a.orderLines();
                for (StageRun s : b.stages()) {
                    if (!s.system().equals(LAKEFORGE)) {
                        continue;
                    }
                    Optional<StageRun> before = a.stage(LAKEFORGE, s.stage());
                    if (before.isEmpty()) {
                        continue;
                    }
                    double t = s.work().millis() / (double) Math.max(1, before.get().work().millis());
                    Optional<StageRun> ba = a.stage(BASELINE, s.stage());
                    Optional<StageRun> bb = b.stage(BASELINE, s.stage());
                    String baseRatio = ba.isPresent() && bb.isPresent()
                            ? String.format(Locale.ROOT, "%.2f", bb.get().work().millis() / (double) Math.max(1, ba.get().work().millis())) : "–";
                    String note = s.stage().equals("predict") && a.als() != b.als() ? " (ALS in one size only)" : "";
                    sb.append(String.format(Locale.ROOT, "| %s | %s → %s | %.1f | %.2f | %s%s | %s |%n", s.stage(), a.size(), b.size(), rows, t,
                            t <= rows ? "yes" : "**no**", note, baseRatio));
                }
            }
        }
        if (plot != null && out != null) {
            Path rel = out.toAbsolutePath().getParent() == null ? plot : out.toAbsolutePath().getParent().relativize(plot.toAbsolutePath());
            sb.append("\n## Time against data size\n\n![Stage time against order lines (log-log)](").append(rel.toString().replace(File.separatorChar, '/'))
                    .append(")\n");
        }
        return sb.toString();
    }

    /** Time (s) against order lines, log-log, one line per stage: Lakeforge solid, baseline dashed. */
    static void plot(List<SizeRun> runs, Path png) {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (SizeRun r : runs) {
            long total = 0;
            for (StageRun s : r.stages()) {
                String key = s.stage() + (s.system().equals(BASELINE) ? " (plain Spark)" : "");
                series.computeIfAbsent(key, k -> new XYSeries(k, true, false))
                        .add(r.orderLines(), Math.max(0.1, s.work().millis() / 1e3));
                total += s.system().equals(LAKEFORGE) ? s.work().millis() : 0;
            }
            series.computeIfAbsent("whole pipeline", k -> new XYSeries(k, true, false)).add(r.orderLines(), total / 1e3);
        }
        series.values().forEach(data::addSeries);
        LogAxis x = new LogAxis("order lines");
        LogAxis y = new LogAxis("stage time, s");
        x.setSmallestValue(1e5);
        y.setSmallestValue(0.1);
        x.setBase(10);
        y.setBase(10);
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        x.setNumberFormatOverride(new java.text.DecimalFormat("#,###"));
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] palette = {new Color(0x2f6f9f), new Color(0xd98a2b), new Color(0x6a9f3a), new Color(0xb3443b), new Color(0x7b5ea7),
                new Color(0x3b9ea0), new Color(0x8c6d31), new Color(0x555555)};
        Map<String, Color> byStage = new LinkedHashMap<>();
        int i = 0;
        for (String key : series.keySet()) {
            String stage = key.replace(" (plain Spark)", "");
            Color c = byStage.computeIfAbsent(stage, k -> palette[byStage.size() % palette.length]);
            renderer.setSeriesPaint(i, c);
            renderer.setSeriesStroke(i, key.endsWith("(plain Spark)")
                    ? new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[]{6f, 4f}, 0f) : new BasicStroke(2f));
            i++;
        }
        XYPlot plotArea = new XYPlot(data, x, y, renderer);
        plotArea.setBackgroundPaint(Color.WHITE);
        plotArea.setDomainGridlinePaint(new Color(0xdddddd));
        plotArea.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart("Lakeforge pipeline: stage time against data size (log-log)", JFreeChart.DEFAULT_TITLE_FONT,
                plotArea, true);
        chart.setBackgroundPaint(Color.WHITE);
        BenchLanding.createParent(png);
        try {
            ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 540);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + png, e);
        }
    }
}
