package dev.lakeforge.ml;

import com.typesafe.config.ConfigFactory;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.ResultTable;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.stddev_pop;

/**
 * {@code gold.customer_segments} and {@code gold.segment_profiles}: the champion k-means model applied to the
 * customers (by default the {@code snapshot = 'scoring'} rows of {@code gold.customer_features}); every segment gets
 * a profile (size, share, the mean of each clustering feature) and a readable name from what sets it apart — how
 * far its means lie from the overall means, in standard deviations (see {@link #name}).
 * A re-run replaces the rows of the same run date.
 */
public final class SegmentCustomersAction {
    private final Lakehouse lakehouse;
    private String model;
    private TableName input = TableName.parse("gold.customer_features");
    private String where = "snapshot = 'scoring'";
    private String id = "customer_id";
    private TableName output = TableName.parse("gold.customer_segments");
    private TableName profiles = TableName.parse("gold.segment_profiles");
    private LocalDate runDate;
    private JobRun run;

    public SegmentCustomersAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public SegmentCustomersAction model(String selector) {
        this.model = selector;
        return this;
    }

    public SegmentCustomersAction input(TableName table, String where) {
        this.input = table;
        this.where = where;
        return this;
    }

    public SegmentCustomersAction id(String column) {
        this.id = column;
        return this;
    }

    public SegmentCustomersAction output(TableName segments, TableName profiles) {
        this.output = segments;
        this.profiles = profiles;
        return this;
    }

    public SegmentCustomersAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public SegmentCustomersAction run(JobRun run) {
        this.run = run;
        return this;
    }

    /** One segment: its number, name, size and feature means. */
    public record Segment(int id, String name, long customers, double share, Map<String, Double> means) {
    }

    public record SegmentResult(RegisteredModel model, List<Segment> segments, ResultTable.Written table, ResultTable.Written profileTable) {
    }

    public SegmentResult execute() {
        ModelRegistry registry = new ModelRegistry(lakehouse);
        RegisteredModel m = registry.resolve(model);
        if (!"clustering".equals(m.task())) {
            throw new IllegalArgumentException(m.id() + " is a " + m.task() + " model; segmentation needs a clustering model");
        }
        ModelSpec spec = ModelSpec.parse(ConfigFactory.parseString(m.specText()), Path.of(""));
        PipelineModel pipeline = registry.load(m);
        Dataset<Row> rows = TrainingData.readTable(lakehouse, input, where);
        List<String> features = spec.numeric();
        Dataset<Row> assigned = pipeline.transform(rows).withColumnRenamed(ModelTrainer.PREDICTION, "segment_id")
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Column> overall = new ArrayList<>();
            List<Column> perSegment = new ArrayList<>();
            perSegment.add(count(lit(1)).as("customers"));
            for (String f : features) {
                overall.add(avg(col("`" + f + "`")).as("mean_" + f));
                overall.add(stddev_pop(col("`" + f + "`")).as("sd_" + f));
                perSegment.add(avg(col("`" + f + "`")).as(f));
            }
            overall.add(count(lit(1)));
            Row all = assigned.agg(overall.get(0), overall.subList(1, overall.size()).toArray(Column[]::new)).first();
            long total = all.getLong(overall.size() - 1);
            List<Row> bySegment = assigned.groupBy("segment_id").agg(perSegment.get(0), perSegment.subList(1, perSegment.size())
                    .toArray(Column[]::new)).orderBy("segment_id").collectAsList();
            Map<String, double[]> stats = new LinkedHashMap<>();
            for (int i = 0; i < features.size(); i++) {
                stats.put(features.get(i), new double[]{nz(all, 2 * i), nz(all, 2 * i + 1)});
            }
            List<Segment> segments = new ArrayList<>();
            Set<String> used = new HashSet<>();
            for (Row r : bySegment) {
                Map<String, Double> means = new LinkedHashMap<>();
                for (int i = 0; i < features.size(); i++) {
                    means.put(features.get(i), nz(r, 2 + i));
                }
                String name = name(means, stats);
                String unique = name;
                for (int n = 2; !used.add(unique); n++) {
                    unique = name + " " + n;
                }
                segments.add(new Segment(r.getInt(0), unique, r.getLong(1), r.getLong(1) / (double) total, means));
            }
            StructType names = new StructType().add("segment_id", DataTypes.IntegerType).add("segment_name", DataTypes.StringType);
            Dataset<Row> nameRows = lakehouse.spark().createDataFrame(segments.stream()
                    .map(s -> RowFactory.create(s.id(), s.name())).toList(), names);
            List<Column> out = new ArrayList<>();
            out.add(col(id));
            if (Arrays.asList(rows.columns()).contains("as_of_date")) {
                out.add(col("as_of_date"));
            }
            out.add(col("segment_id"));
            out.add(col("segment_name"));
            features.forEach(f -> out.add(col("`" + f + "`")));
            out.add(lit(m.name()).as("model"));
            out.add(lit(m.version()).as("model_version"));
            out.add(lit(run.runId()).as("run_id"));
            out.add(lit(Date.valueOf(runDate)).as("run_date"));
            Dataset<Row> segmented = assigned.join(org.apache.spark.sql.functions.broadcast(nameRows), "segment_id")
                    .select(out.toArray(Column[]::new));
            ResultTable.Written w = ResultTable.of(lakehouse, output).replaceWhere("run_date = '" + runDate + "'").write(segmented, run);

            StructType profileSchema = new StructType().add("segment_id", DataTypes.IntegerType).add("segment_name", DataTypes.StringType)
                    .add("customers", DataTypes.LongType).add("share", DataTypes.DoubleType).add("description", DataTypes.StringType);
            for (String f : features) {
                profileSchema = profileSchema.add("mean_" + f, DataTypes.DoubleType);
            }
            profileSchema = profileSchema.add("model", DataTypes.StringType).add("model_version", DataTypes.IntegerType)
                    .add("run_id", DataTypes.StringType).add("run_date", DataTypes.DateType);
            List<Row> profileRows = new ArrayList<>();
            for (Segment s : segments) {
                List<Object> v = new ArrayList<>(List.of(s.id(), s.name(), s.customers(), Math.round(s.share() * 1e4) / 1e4,
                        describe(s.means(), stats)));
                features.forEach(f -> v.add(Math.round(s.means().get(f) * 1e3) / 1e3));
                v.addAll(List.of(m.name(), m.version(), run.runId(), Date.valueOf(runDate)));
                profileRows.add(RowFactory.create(v.toArray()));
            }
            ResultTable.Written p = ResultTable.of(lakehouse, profiles).replaceWhere("run_date = '" + runDate + "'")
                    .write(lakehouse.spark().createDataFrame(profileRows, profileSchema).coalesce(1), run);
            return new SegmentResult(m, segments, w, p);
        } finally {
            assigned.unpersist();
        }
    }

    /**
     * A readable name for a segment from its z-scores (segment mean − overall mean, over the overall standard
     * deviation). With recency and frequency features (RFM) it is named in marketing terms from recency and value
     * (the mean z of frequency and monetary): long silent (recency z &gt; 0.75) "At risk" if valuable, else "Lapsed";
     * somewhat silent "Cooling down" or "Low value"; recent ones by value: "Champions" (≥ 0.75), "Loyal" (≥ 0.25),
     * "Regulars" (≥ 0), "New or occasional". Otherwise the two features that set it apart most ("High monetary
     * 365d, low recency days"), or "Typical" when none differs by a quarter of a deviation. Duplicates get a number.
     */
    static String name(Map<String, Double> means, Map<String, double[]> stats) {
        Map<String, Double> z = new LinkedHashMap<>();
        means.forEach((f, v) -> {
            double[] s = stats.get(f);
            z.put(f, s[1] > 0 ? (v - s[0]) / s[1] : 0.0);
        });
        Double recency = find(z, "recency");
        Double frequency = find(z, "frequency");
        Double monetary = find(z, "monetary");
        if (recency != null && frequency != null) {
            double value = monetary == null ? frequency : (frequency + monetary) / 2;
            if (recency > 0.75) {
                return value >= 0 ? "At risk" : "Lapsed";
            }
            if (recency > 0) {
                return value >= 0 ? "Cooling down" : "Low value";
            }
            if (value >= 0.75) {
                return "Champions";
            }
            if (value >= 0.25) {
                return "Loyal";
            }
            return value >= 0 ? "Regulars" : "New or occasional";
        }
        List<Map.Entry<String, Double>> sorted = z.entrySet().stream().filter(e -> Math.abs(e.getValue()) >= 0.25)
                .sorted((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue()))).limit(2).toList();
        if (sorted.isEmpty()) {
            return "Typical";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Double> e : sorted) {
            parts.add((e.getValue() > 0 ? "high " : "low ") + e.getKey().replace('_', ' '));
        }
        String s = String.join(", ", parts);
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** How the segment differs: every feature with its mean and z-score, largest difference first. */
    static String describe(Map<String, Double> means, Map<String, double[]> stats) {
        List<String> parts = new ArrayList<>();
        means.entrySet().stream().sorted((a, b) -> Double.compare(Math.abs(zOf(b, stats)), Math.abs(zOf(a, stats))))
                .forEach(e -> parts.add(String.format(Locale.ROOT, "%s %.1f (%+.1f sd)", e.getKey(), e.getValue(), zOf(e, stats))));
        return String.join("; ", parts);
    }

    private static double zOf(Map.Entry<String, Double> e, Map<String, double[]> stats) {
        double[] s = stats.get(e.getKey());
        return s[1] > 0 ? (e.getValue() - s[0]) / s[1] : 0.0;
    }

    private static Double find(Map<String, Double> z, String part) {
        return z.entrySet().stream().filter(e -> e.getKey().toLowerCase(Locale.ROOT).contains(part)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static double nz(Row r, int i) {
        return r.isNullAt(i) ? 0.0 : ((Number) r.get(i)).doubleValue();
    }
}
