package dev.lakeforge.ml;

import com.typesafe.config.ConfigFactory;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.ResultTable;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;

/**
 * {@code gold.product_recommendations}: the champion recommendation model's top {@code k} products for every
 * customer of the input (by default {@code gold.interactions}), leaving out what the customer already bought
 * (input rows where {@code purchases > 0}); customers the model does not know, and lists the model cannot fill,
 * get the most popular products they have not bought ({@code from_model = false}). A re-run replaces the rows of
 * the same run date.
 */
public final class RecommendProductsAction {
    private final Lakehouse lakehouse;
    private String model;
    private TableName input = TableName.parse("gold.interactions");
    private String bought = "purchases > 0";
    private int k = AlsRecommender.K;
    private TableName output = TableName.parse("gold.product_recommendations");
    private LocalDate runDate;
    private JobRun run;

    public RecommendProductsAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public RecommendProductsAction model(String selector) {
        this.model = selector;
        return this;
    }

    /** The interactions table and the condition marking rows of products the customer already bought. */
    public RecommendProductsAction input(TableName table, String boughtCondition) {
        this.input = table;
        this.bought = boughtCondition;
        return this;
    }

    public RecommendProductsAction top(int k) {
        if (k < 1 || k > 100) {
            throw new IllegalArgumentException("top must be between 1 and 100, not " + k);
        }
        this.k = k;
        return this;
    }

    public RecommendProductsAction output(TableName table) {
        this.output = table;
        return this;
    }

    public RecommendProductsAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public RecommendProductsAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public record RecommendResult(RegisteredModel model, ResultTable.Written table, long customers) {
    }

    public RecommendResult execute() {
        ModelRegistry registry = new ModelRegistry(lakehouse);
        RegisteredModel m = registry.resolve(model);
        if (!"recommendation".equals(m.task())) {
            throw new IllegalArgumentException(m.id() + " is a " + m.task() + " model; recommendations need a recommendation (ALS) model");
        }
        ModelSpec spec = ModelSpec.parse(ConfigFactory.parseString(m.specText()), Path.of(""));
        PipelineModel pipeline = registry.load(m);
        Dataset<Row> rows = TrainingData.readTable(lakehouse, input, null);
        Dataset<Row> boughtRows = TrainingData.readTable(lakehouse, input, bought);
        Dataset<Row> recs = AlsRecommender.recommend(pipeline, rows, spec.user(), boughtRows, spec.user(), spec.item(), spec.rating(), k)
                .select(col("user").as(spec.user()), col("item").as(spec.item()), round(col("score"), 6).as("score"), col("rank"),
                        col("from_model"), lit(m.name()).as("model"), lit(m.version()).as("model_version"), lit(run.runId()).as("run_id"),
                        lit(Date.valueOf(runDate)).as("run_date"));
        ResultTable.Written w = ResultTable.of(lakehouse, output).replaceWhere("run_date = '" + runDate + "'").write(recs, run);
        long customers = lakehouse.read(output).where(col("run_date").equalTo(lit(Date.valueOf(runDate)))).select(spec.user()).distinct().count();
        return new RecommendResult(m, w, customers);
    }
}
