package dev.lakeforge.bench;

import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.marts.BuildMartsAction;
import dev.lakeforge.spark.WorkMeter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain-Spark side of the pipeline benchmark, stage by stage, each measured with a {@link WorkMeter}:
 * <ul>
 *   <li>{@code ingest} and {@code refine}: {@link PlainSparkBaseline} (the same sources, typing, quarantine and
 *       MERGE written as plain Spark code);</li>
 *   <li>{@code marts}: the same gold queries ({@link BuildMartsAction#definitions}) over the silver tables of a
 *       Lakeforge lakehouse, each written with a plain Delta overwrite — the marts' own work without Lakeforge's
 *       incremental bookkeeping, lineage and run records. The baseline's own silver keeps one row per key (no SCD2
 *       history, which the marts join on), so the marts read Lakeforge's silver.</li>
 * </ul>
 * The other stages (predict, plan, publish, docs) have no plain counterpart here.
 */
public final class PlainPipelineBaseline {
    public static final List<String> STAGES = List.of("ingest", "refine", "marts");

    private final SparkSession spark;
    private List<SourceSpec> sources = List.of();
    private String landing;
    private String root;
    private String silverFrom;
    private LocalDate runDate;
    private List<String> stages = STAGES;

    private PlainPipelineBaseline(SparkSession spark) {
        this.spark = spark;
    }

    public static PlainPipelineBaseline create(SparkSession spark) {
        return new PlainPipelineBaseline(spark);
    }

    /** The sources in dependency order. */
    public PlainPipelineBaseline sources(List<SourceSpec> sources) {
        this.sources = List.copyOf(sources);
        return this;
    }

    public PlainPipelineBaseline landing(String landing) {
        this.landing = landing;
        return this;
    }

    /** Folder the baseline writes its tables to. */
    public PlainPipelineBaseline root(String root) {
        this.root = root;
        return this;
    }

    /** Root of the Lakeforge lakehouse whose silver the marts baseline reads (needed for {@code marts}). */
    public PlainPipelineBaseline silverFrom(String lakeforgeRoot) {
        this.silverFrom = lakeforgeRoot;
        return this;
    }

    public PlainPipelineBaseline runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    /** Which of {@link #STAGES} to run, in that order. */
    public PlainPipelineBaseline stages(List<String> stages) {
        List<String> unknown = stages.stream().filter(s -> !STAGES.contains(s)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("No plain-Spark baseline for stage(s) " + unknown + "; stages with one: " + STAGES);
        }
        this.stages = STAGES.stream().filter(stages::contains).toList();
        return this;
    }

    /** Runs the stages; what each cost, in order. */
    public Map<String, WorkMeter.Work> execute() {
        if (root == null || runDate == null) {
            throw new IllegalStateException("root and runDate are required");
        }
        boolean lakehouseStages = stages.contains("ingest") || stages.contains("refine");
        if (lakehouseStages && landing == null) {
            throw new IllegalStateException("The ingest and refine baselines read a landing folder: set landing");
        }
        PlainSparkBaseline plain = lakehouseStages
                ? PlainSparkBaseline.create(spark).sources(sources).landing(landing).root(root).runDate(runDate) : null;
        Map<String, WorkMeter.Work> out = new LinkedHashMap<>();
        try (WorkMeter meter = WorkMeter.on(spark)) {
            for (String stage : stages) {
                WorkMeter.Span span = meter.start();
                switch (stage) {
                    case "ingest" -> plain.ingest();
                    case "refine" -> plain.refine();
                    case "marts" -> marts();
                    default -> throw new IllegalStateException(stage);
                }
                out.put(stage, span.stop());
            }
        }
        return out;
    }

    private void marts() {
        if (silverFrom == null) {
            throw new IllegalStateException("The marts baseline reads the silver tables of a Lakeforge lakehouse: set silverFrom");
        }
        Lakehouse silver = new Lakehouse(spark, silverFrom, new dev.lakeforge.config.RetrySettings(1, java.time.Duration.ZERO, java.time.Duration.ZERO));
        for (Map.Entry<TableName, Dataset<Row>> e : BuildMartsAction.definitions(silver, runDate).entrySet()) {
            e.getValue().write().format("delta").mode("overwrite").save(root + "/" + e.getKey().layer() + "/" + e.getKey().table());
        }
    }
}
