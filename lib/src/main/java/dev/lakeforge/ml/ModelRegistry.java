package dev.lakeforge.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.CrashPoints;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

/**
 * Model versions saved under {@code <lakehouse>/models/<name>/<version>/} (the fitted pipeline, the held-out rows,
 * the spec, metrics and a model card) and listed in {@code ops.model_registry}. A new version becomes
 * {@code champion} when its primary metric is no worse than the current champion's; otherwise it is a
 * {@code candidate}.
 */
public final class ModelRegistry {
    public static final TableName TABLE = TableName.of("ops", "model_registry");
    public static final String CHAMPION = "champion";
    public static final String CANDIDATE = "candidate";
    private static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField("name", DataTypes.StringType, false),
            DataTypes.createStructField("version", DataTypes.IntegerType, false),
            DataTypes.createStructField("task", DataTypes.StringType, false),
            DataTypes.createStructField("algorithm", DataTypes.StringType, false),
            DataTypes.createStructField("spec", DataTypes.StringType, false),
            DataTypes.createStructField("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true),
            DataTypes.createStructField("primary_metric", DataTypes.StringType, false),
            DataTypes.createStructField("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false),
            DataTypes.createStructField("baseline_metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), true),
            DataTypes.createStructField("training_source", DataTypes.StringType, false),
            DataTypes.createStructField("training_version", DataTypes.LongType, true),
            DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.StringType), true),
            DataTypes.createStructField("labels", DataTypes.createArrayType(DataTypes.StringType), true),
            DataTypes.createStructField("train_rows", DataTypes.LongType, true),
            DataTypes.createStructField("holdout_rows", DataTypes.LongType, true),
            DataTypes.createStructField("run_id", DataTypes.StringType, false),
            DataTypes.createStructField("created_at", DataTypes.TimestampType, false),
            DataTypes.createStructField("alias", DataTypes.StringType, false),
            DataTypes.createStructField("path", DataTypes.StringType, false)});

    private final Lakehouse lakehouse;

    public ModelRegistry(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    /** The metric that decides champions, and whether higher is better. */
    static String primaryMetric(ModelSpec spec, TrainOutcome o) {
        return switch (spec.task()) {
            case REGRESSION -> "rmse";
            case CLASSIFICATION -> o.metrics().containsKey("auc") ? "auc" : "f1";
            case CLUSTERING -> "silhouette";
            case RECOMMENDATION -> "ndcg_at_10";
        };
    }

    static boolean higherIsBetter(String metric) {
        return !List.of("rmse", "mae", "log_loss").contains(metric);
    }

    public RegisteredModel register(ModelSpec spec, TrainOutcome o, TrainingData.Loaded data, String runId) {
        int version = nextVersion(spec.name());
        String path = lakehouse.folder("models/" + spec.name() + "/" + version);
        try {
            o.model().write().overwrite().save(path + "/pipeline");
            o.holdout().write().mode("overwrite").parquet(path + "/holdout");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save model " + spec.name() + " version " + version + " to " + path, e);
        }
        String metric = primaryMetric(spec, o);
        Optional<RegisteredModel> champion = find(spec.name(), CHAMPION);
        double value = o.metrics().get(metric);
        boolean better = champion.isEmpty() || champion.get().metrics().get(metric) == null
                || (higherIsBetter(metric) ? value >= champion.get().metrics().get(metric) : value <= champion.get().metrics().get(metric));
        String alias = better ? CHAMPION : CANDIDATE;
        writeText(path + "/spec.conf", spec.source());
        writeText(path + "/metrics.json", json(Map.of("metrics", o.metrics(), "baseline", o.baseline(), "params", o.params(), "importances", o.importances())));
        writeText(path + "/card.md", ModelCard.markdown(spec, o, version, alias, metric, data, runId));
        List<String> features = new java.util.ArrayList<>(spec.numeric());
        features.addAll(spec.categorical());
        Row row = RowFactory.create(spec.name(), version, spec.task().name().toLowerCase(Locale.ROOT), spec.algorithm().label(), spec.source(),
                CollectionConverters.asScala(o.params()), metric, CollectionConverters.asScala(o.metrics()),
                CollectionConverters.asScala(o.baseline()), data.source(), data.version() < 0 ? null : data.version(),
                CollectionConverters.asScala(features).toSeq(), CollectionConverters.asScala(o.labels()).toSeq(), o.trainRows(),
                o.holdoutRows(), runId, Timestamp.from(Instant.now()), alias, path);
        Dataset<Row> df = lakehouse.spark().createDataFrame(List.of(row), SCHEMA).coalesce(1);
        if (better && champion.isPresent()) {
            promote(df, champion.get().version());
        } else {
            ConflictRetry.run(lakehouse.retry(), "append to " + TABLE, () -> df.write().format("delta").mode("append").save(lakehouse.path(TABLE)));
        }
        CrashPoints.reach(CrashPoints.TRAIN_REGISTERED);
        return new RegisteredModel(spec.name(), version, spec.task().name().toLowerCase(Locale.ROOT), alias, path, metric, o.metrics(),
                o.baseline(), spec.source());
    }

    /**
     * Adds the new champion's row and demotes the old champion to candidate in one commit (a MERGE whose source holds
     * the new row, never matched, and a marker row that matches the old champion): a crash can leave the registry with
     * the old champion or the new one, never with none or two.
     */
    private void promote(Dataset<Row> newRow, int oldChampion) {
        String demote = "_demote_version";
        Dataset<Row> source = newRow.withColumn(demote, lit(null).cast(DataTypes.IntegerType))
                .unionByName(newRow.withColumn(demote, lit(oldChampion)));
        Map<String, String> insert = new java.util.LinkedHashMap<>();
        for (String c : SCHEMA.fieldNames()) {
            insert.put("`" + c + "`", "s.`" + c + "`");
        }
        ConflictRetry.run(lakehouse.retry(), "promote in " + TABLE, () -> lakehouse.deltaTable(TABLE).as("t")
                .merge(source.as("s"), "t.name = s.name AND t.version = s." + demote + " AND t.alias = '" + CHAMPION + "'")
                .whenMatched().updateExpr(Map.of("alias", "'" + CANDIDATE + "'"))
                .whenNotMatched("s." + demote + " IS NULL").insertExpr(insert)
                .execute());
    }

    private int nextVersion(String name) {
        if (!lakehouse.exists(TABLE)) {
            return 1;
        }
        Row r = lakehouse.read(TABLE).where(col("name").equalTo(name)).agg(max("version")).first();
        return r.isNullAt(0) ? 1 : r.getInt(0) + 1;
    }

    /** {@code name}, {@code name@champion}, {@code name@candidate} (newest) or {@code name@3}. */
    public RegisteredModel resolve(String selector) {
        String name = selector;
        String which = CHAMPION;
        int at = selector.indexOf('@');
        if (at > 0) {
            name = selector.substring(0, at);
            which = selector.substring(at + 1);
        }
        return find(name, which).orElseThrow(() -> new ConfigurationException("--model", "'" + selector + "'",
                "a registered model NAME, NAME@champion or NAME@VERSION; registered: " + names()));
    }

    Optional<RegisteredModel> find(String name, String which) {
        if (!lakehouse.exists(TABLE)) {
            return Optional.empty();
        }
        Dataset<Row> rows = lakehouse.read(TABLE).where(col("name").equalTo(name));
        if (which.matches("\\d+")) {
            rows = rows.where(col("version").equalTo(Integer.parseInt(which)));
        } else {
            rows = rows.where(col("alias").equalTo(which));
        }
        List<Row> found = rows.orderBy(col("version").desc()).limit(1).collectAsList();
        return found.isEmpty() ? Optional.empty() : Optional.of(toModel(found.get(0)));
    }

    public List<RegisteredModel> list() {
        if (!lakehouse.exists(TABLE)) {
            return List.of();
        }
        return lakehouse.read(TABLE).orderBy("name", "version").collectAsList().stream().map(ModelRegistry::toModel).toList();
    }

    private List<String> names() {
        return list().stream().map(RegisteredModel::id).toList();
    }

    public PipelineModel load(RegisteredModel m) {
        return PipelineModel.load(m.path() + "/pipeline");
    }

    public Dataset<Row> holdout(RegisteredModel m) {
        return lakehouse.spark().read().parquet(m.path() + "/holdout");
    }

    public List<String> labels(RegisteredModel m) {
        Row r = lakehouse.read(TABLE).where(col("name").equalTo(m.name()).and(col("version").equalTo(m.version()))).select("labels").first();
        return r.isNullAt(0) ? List.of() : r.getList(0);
    }

    private static RegisteredModel toModel(Row r) {
        return new RegisteredModel(r.getAs("name"), r.<Integer>getAs("version"), r.getAs("task"), r.getAs("alias"), r.getAs("path"),
                r.getAs("primary_metric"), toJava(r.getAs("metrics")), toJava(r.getAs("baseline_metrics")), r.getAs("spec"));
    }

    private static Map<String, Double> toJava(scala.collection.Map<String, Double> m) {
        return m == null ? Map.of() : new LinkedHashMap<>(CollectionConverters.asJava(m));
    }

    static String json(Object o) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeText(String path, String text) {
        try (FSDataOutputStream out = lakehouse.fileSystem().create(new Path(path), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path, e);
        }
    }
}
