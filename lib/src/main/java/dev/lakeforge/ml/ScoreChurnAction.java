package dev.lakeforge.ml;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.ResultTable;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;


import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.churn_scores}: the champion churn model applied to the customers to score (by default the
 * {@code snapshot = 'scoring'} rows of {@code gold.customer_features}): the probability of churning and a risk band
 * ({@code high} at or above the high threshold, {@code medium} at or above the low one, else {@code low}).
 * A re-run replaces the rows of the same run date.
 * <pre>
 *   new ScoreChurnAction(lakehouse).model("churn@champion").input(gold("customer_features"), "snapshot = 'scoring'")
 *           .bands(0.3, 0.6).output(gold("churn_scores")).runDate(d).run(jobRun).execute();
 * </pre>
 */
public final class ScoreChurnAction {
    private final Lakehouse lakehouse;
    private String model;
    private TableName input = TableName.parse("gold.customer_features");
    private String where = "snapshot = 'scoring'";
    private String id = "customer_id";
    private double low = 0.3;
    private double high = 0.6;
    private TableName output = TableName.parse("gold.churn_scores");
    private LocalDate runDate;
    private JobRun run;

    public ScoreChurnAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public ScoreChurnAction model(String selector) {
        this.model = selector;
        return this;
    }

    public ScoreChurnAction input(TableName table, String where) {
        this.input = table;
        this.where = where;
        return this;
    }

    public ScoreChurnAction id(String column) {
        this.id = column;
        return this;
    }

    public ScoreChurnAction bands(double low, double high) {
        if (!(0 < low && low < high && high < 1)) {
            throw new IllegalArgumentException("risk bands need 0 < low < high < 1, not " + low + " / " + high);
        }
        this.low = low;
        this.high = high;
        return this;
    }

    public ScoreChurnAction output(TableName table) {
        this.output = table;
        return this;
    }

    public ScoreChurnAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public ScoreChurnAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public record ChurnResult(RegisteredModel model, ResultTable.Written table, long high, long medium, long low) {
    }

    public ChurnResult execute() {
        ModelRegistry registry = new ModelRegistry(lakehouse);
        RegisteredModel m = registry.resolve(model);
        List<String> labels = registry.labels(m);
        if (!"classification".equals(m.task()) || labels.size() != 2) {
            throw new IllegalArgumentException(m.id() + " is a " + m.task() + " model with classes " + labels
                    + "; churn scoring needs a two-class classifier");
        }
        PipelineModel pipeline = registry.load(m);
        Dataset<Row> rows = TrainingData.readTable(lakehouse, input, where);
        // class 1 is the second label in alphabetical order: "1" / "yes" / "true" — the churners
        Column p = org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1);
        List<Column> out = new ArrayList<>();
        out.add(col(id));
        for (String c : List.of("as_of_date", "region", "customer_type")) {
            if (Arrays.asList(rows.columns()).contains(c)) {
                out.add(col(c));
            }
        }
        out.add(round(p, 6).as("churn_probability"));
        out.add(when(p.geq(high), "high").when(p.geq(low), "medium").otherwise("low").as("risk_band"));
        out.add(lit(m.name()).as("model"));
        out.add(lit(m.version()).as("model_version"));
        out.add(lit(run.runId()).as("run_id"));
        out.add(lit(Date.valueOf(runDate)).as("run_date"));
        Dataset<Row> scored = pipeline.transform(rows).select(out.toArray(Column[]::new));
        ResultTable.Written w = ResultTable.of(lakehouse, output).replaceWhere("run_date = '" + runDate + "'").write(scored, run);
        Row bands = lakehouse.read(output).where(col("run_date").equalTo(lit(Date.valueOf(runDate))))
                .agg(functions.sum(when(col("risk_band").equalTo("high"), 1).otherwise(0)),
                        functions.sum(when(col("risk_band").equalTo("medium"), 1).otherwise(0)),
                        functions.sum(when(col("risk_band").equalTo("low"), 1).otherwise(0))).first();
        return new ChurnResult(m, w, bands.isNullAt(0) ? 0 : bands.getLong(0), bands.isNullAt(1) ? 0 : bands.getLong(1),
                bands.isNullAt(2) ? 0 : bands.getLong(2));
    }
}
