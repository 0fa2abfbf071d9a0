package dev.lakeforge.ml;

import com.typesafe.config.ConfigFactory;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.ResultTable;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

/**
 * Applies a registered model to a table or file and writes the scores to a lakehouse table:
 * regression and classification add {@code prediction} (classification: the predicted class and, for two
 * classes, {@code score} = probability of the second class); clustering adds {@code cluster}; recommendation
 * writes the top 10 unseen items per user ({@code user, item, rank, from_model}). When the input holds the label,
 * the model's metrics are computed on it — on the model's own held-out rows they are exactly the metrics it was
 * registered with.
 */
public final class ScoreModelAction {
    private final Lakehouse lakehouse;
    private String model;
    private Optional<String> inputTable = Optional.empty();
    private Optional<String> inputPath = Optional.empty();
    private boolean holdout;
    private TableName output;
    private JobRun run;

    public ScoreModelAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public ScoreModelAction model(String selector) {
        this.model = selector;
        return this;
    }

    /** A lakehouse table (layer.table) or a file path. */
    public ScoreModelAction input(String input) {
        if (input.matches("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*")) {
            this.inputTable = Optional.of(input);
        } else {
            this.inputPath = Optional.of(input);
        }
        return this;
    }

    /** Score the model's own held-out rows. */
    public ScoreModelAction holdout(boolean holdout) {
        this.holdout = holdout;
        return this;
    }

    public ScoreModelAction output(TableName output) {
        this.output = output;
        return this;
    }

    public ScoreModelAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public ScoreResult execute() {
        ModelRegistry registry = new ModelRegistry(lakehouse);
        RegisteredModel m = registry.resolve(model);
        ModelSpec spec = ModelSpec.parse(ConfigFactory.parseString(m.specText()), Path.of(""));
        PipelineModel pipeline = registry.load(m);
        Dataset<Row> input;
        if (holdout) {
            input = registry.holdout(m);
        } else if (inputTable.isPresent()) {
            input = TrainingData.load(lakehouse, new ModelSpec.Input(inputTable, Optional.empty(), Optional.empty(), "delta", Map.of(),
                    spec.input().where()), "ops.job_runs").data();
        } else if (inputPath.isPresent()) {
            input = TrainingData.load(lakehouse, new ModelSpec.Input(Optional.empty(), Optional.empty(), inputPath, spec.input().format(),
                    spec.input().options(), Optional.empty()), "ops.job_runs").data();
        } else {
            throw new ConfigurationException("--input", "nothing", "a lakehouse table, a file path, or --holdout");
        }
        if (!holdout && spec.forecast().isPresent()) {
            input = dev.lakeforge.ml.forecast.ForecastFrame.build(input, spec.forecast().get(), spec.categorical());
        }
        List<String> missing = new ArrayList<>();
        List<String> needed = new ArrayList<>(spec.numeric());
        needed.addAll(spec.categorical());
        if (spec.task() == ModelSpec.Task.RECOMMENDATION) {
            needed.add(spec.user());
        }
        for (String c : needed) {
            if (!Arrays.asList(input.columns()).contains(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException("--input", "an input without the model's column(s) " + missing, "the columns the model was trained on");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Dataset<Row> scored;
        switch (spec.task()) {
            case REGRESSION, CLASSIFICATION -> {
                List<String> labels = registry.labels(m);
                boolean hasLabel = spec.label().isPresent() && Arrays.asList(input.columns()).contains(spec.label().get());
                Dataset<Row> withLabel = hasLabel ? ModelTrainer.withLabel(input.where(col("`" + spec.label().get() + "`").isNotNull()), spec, labels) : input;
                Dataset<Row> predicted = pipeline.transform(withLabel);
                if (hasLabel) {
                    metrics.putAll(spec.task() == ModelSpec.Task.CLASSIFICATION ? Metrics.classification(predicted, labels.size())
                            : Metrics.regression(predicted));
                }
                List<Column> out = new ArrayList<>();
                for (String c : input.columns()) {
                    out.add(col("`" + c + "`"));
                }
                if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
                    out.add(element_at(lit(labels.toArray(String[]::new)), col(ModelTrainer.PREDICTION).cast(DataTypes.IntegerType).plus(1))
                            .as("predicted_" + spec.label().get()));
                    if (labels.size() == 2) {
                        out.add(functions.vector_to_array(col("probability"), "float64").getItem(1).as("score"));
                    }
                } else {
                    out.add(col(ModelTrainer.PREDICTION).as("prediction"));
                }
                scored = predicted.select(out.toArray(Column[]::new));
            }
            case CLUSTERING -> {
                Dataset<Row> predicted = pipeline.transform(input);
                metrics.put("silhouette", new ClusteringEvaluator().setFeaturesCol(FeaturePipeline.FEATURES)
                        .setPredictionCol(ModelTrainer.PREDICTION).evaluate(predicted));
                List<Column> out = new ArrayList<>();
                for (String c : input.columns()) {
                    out.add(col("`" + c + "`"));
                }
                out.add(col(ModelTrainer.PREDICTION).as("cluster"));
                scored = predicted.select(out.toArray(Column[]::new));
            }
            default -> {
                boolean hasHistory = Arrays.asList(input.columns()).containsAll(List.of(spec.item(), spec.rating()));
                Dataset<Row> seen = hasHistory ? input : input.sparkSession().emptyDataFrame()
                        .select(lit(null).cast(DataTypes.StringType).as(spec.user()), lit(null).cast(DataTypes.StringType).as(spec.item()),
                                lit(null).cast(DataTypes.DoubleType).as(spec.rating()));
                scored = AlsRecommender.recommend(pipeline, input, spec.user(), seen, spec.user(), spec.item(), spec.rating(), AlsRecommender.K);
            }
        }
        ResultTable.Written w = ResultTable.of(lakehouse, output).write(scored, run);
        return new ScoreResult(m, output.toString(), w.rows(), w.version(), metrics);
    }
}
