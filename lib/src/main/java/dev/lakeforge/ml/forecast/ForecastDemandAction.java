package dev.lakeforge.ml.forecast;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.ResultTable;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.ml.ModelRegistry;
import dev.lakeforge.ml.ModelSpec;
import dev.lakeforge.ml.ModelTrainer;
import dev.lakeforge.ml.RegisteredModel;
import dev.lakeforge.ml.TrainModelAction;
import dev.lakeforge.ml.TrainResult;
import dev.lakeforge.ml.TrainingData;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The demand-forecast business job: trains and registers the forecaster of a {@code forecast} spec, backtests it
 * from rolling origins against the seasonal-naive forecast (MAPE, sMAPE, RMSE per horizon), and forecasts the next
 * H weeks of every series with the champion version.
 * <pre>
 *   ForecastResult r = new ForecastDemandAction(lakehouse).spec(spec).runDate(d).run(jobRun)
 *           .output(TableName.parse("gold.demand_forecast")).backtestOutput(TableName.parse("gold.forecast_backtest")).execute();
 * </pre>
 * {@code gold.demand_forecast} keeps one set of forecasts per origin week (a re-run replaces its own origin's rows);
 * each row carries the backtest RMSE of its horizon ({@code error_sd}), which production planning turns into
 * safety stock. MAPE is over weeks with non-zero actuals only; sMAPE counts a week where both are zero as 0; WAPE
 * (total absolute error over total actual) is the one to read for intermittent demand, where a few units against
 * zero make MAPE and sMAPE explode.
 */
public final class ForecastDemandAction {
    public static final String MODEL = "model";
    public static final String SEASONAL_NAIVE = "seasonal_naive";
    private static final Logger LOG = LoggerFactory.getLogger(ForecastDemandAction.class);

    /** Where the backtest's weekly totals go unless told otherwise. */
    public static final TableName DEFAULT_BACKTEST_SERIES = TableName.parse("gold.forecast_backtest_weekly");

    private final Lakehouse lakehouse;
    private ModelSpec spec;
    private LocalDate runDate;
    private JobRun run;
    private String runsTable = "ops.job_runs";
    private TableName output = TableName.parse("gold.demand_forecast");
    private TableName backtestOutput = TableName.parse("gold.forecast_backtest");
    private TableName backtestSeriesOutput = DEFAULT_BACKTEST_SERIES;
    private Dataset<Row> backtestPredictions;

    public ForecastDemandAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public ForecastDemandAction spec(ModelSpec spec) {
        if (spec.forecast().isEmpty()) {
            throw new dev.lakeforge.config.ConfigurationException("forecast", "nothing in spec " + spec.name(),
                    "a forecast { id, time, target, horizon } block");
        }
        this.spec = spec;
        return this;
    }

    public ForecastDemandAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public ForecastDemandAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public ForecastDemandAction runsTable(String table) {
        this.runsTable = table;
        return this;
    }

    public ForecastDemandAction output(TableName table) {
        this.output = table;
        return this;
    }

    public ForecastDemandAction backtestOutput(TableName table) {
        this.backtestOutput = table;
        return this;
    }

    /** Where the backtest's weekly totals go: forecast, seasonal-naive and actual units per origin, week and horizon. */
    public ForecastDemandAction backtestSeriesOutput(TableName table) {
        this.backtestSeriesOutput = table;
        return this;
    }

    /** One horizon's backtest errors for one method (the model or the seasonal-naive forecast). */
    public record HorizonError(int horizon, String method, double mape, double smape, double wape, double mae, double rmse, long rows) {
    }

    public record ForecastResult(TrainResult trained, RegisteredModel used, List<HorizonError> backtest, LocalDate origin,
                                 ResultTable.Written forecast, ResultTable.Written backtestTable, ResultTable.Written backtestSeries) {
        /** The backtest error of a method at a horizon (0 = all horizons). */
        public HorizonError error(String method, int horizon) {
            return backtest.stream().filter(e -> e.method().equals(method) && e.horizon() == horizon).findFirst().orElseThrow();
        }
    }

    public ForecastResult execute() {
        ForecastSettings f = spec.forecast().orElseThrow();
        TrainResult trained = new TrainModelAction(lakehouse).spec(spec).runsTable(runsTable).run(run).execute();
        Dataset<Row> weekly = TrainingData.load(lakehouse, spec.input(), runsTable).data();
        Dataset<Row> frame = ForecastFrame.build(weekly, f, spec.categorical()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            LocalDate last = weekly.agg(max(col(f.time()))).first().getDate(0).toLocalDate();
            List<HorizonError> backtest = backtest(frame, last, f);
            for (HorizonError e : backtest) {
                if (e.horizon() == 0) {
                    LOG.info("Backtest {} over {} origins, all horizons: MAPE {}, sMAPE {}, WAPE {}, MAE {}, RMSE {}", e.method(),
                            f.origins(), fmt(e.mape()), fmt(e.smape()), fmt(e.wape()), fmt(e.mae()), fmt(e.rmse()));
                }
            }
            ResultTable.Written bt = ResultTable.of(lakehouse, backtestOutput)
                    .replaceWhere("model = '" + spec.name() + "' AND as_of_week = '" + last + "'")
                    .write(backtestRows(backtest, trained, last), run);
            ResultTable.Written series = ResultTable.of(lakehouse, backtestSeriesOutput)
                    .replaceWhere("model = '" + spec.name() + "' AND as_of_week = '" + last + "'")
                    .write(backtestSeries(trained, last), run);

            ModelRegistry registry = new ModelRegistry(lakehouse);
            RegisteredModel champion = registry.resolve(spec.name() + "@champion");
            PipelineModel model = registry.load(champion);
            Dataset<Row> toForecast = frame.where(col(ForecastFrame.ORIGIN).equalTo(lit(Date.valueOf(last))));
            // the error to expect: each series' own backtest RMSE at the horizon, else the RMSE over all series
            Dataset<Row> pooled = lakehouse.spark().createDataFrame(backtest.stream()
                    .filter(e -> e.method().equals(MODEL) && e.horizon() > 0)
                    .map(e -> org.apache.spark.sql.RowFactory.create(e.horizon(), e.rmse())).toList(),
                    new org.apache.spark.sql.types.StructType().add(ForecastFrame.HORIZON, DataTypes.IntegerType).add("_pooled_sd", DataTypes.DoubleType));
            Column err = col(MODEL).minus(col("actual"));
            Dataset<Row> perSeries = backtestPredictions.groupBy(col(f.id()), col(ForecastFrame.HORIZON))
                    .agg(sqrt(avg(err.multiply(err))).as("_series_sd"));
            List<Column> out = new ArrayList<>();
            out.add(col(f.id()));
            for (String c : spec.categorical()) {
                out.add(col(c));
            }
            out.add(col(ForecastFrame.ORIGIN));
            out.add(col(ForecastFrame.TARGET_WEEK).as("week_start"));
            out.add(col(ForecastFrame.HORIZON));
            out.add(round(greatest(col("prediction"), lit(0.0)), 2).as("forecast_units"));
            out.add(round(col(ForecastFrame.SEASONAL_NAIVE), 2).as("seasonal_naive_units"));
            out.add(round(col("error_sd"), 3).as("error_sd"));
            out.add(round(greatest(col("prediction").minus(col("error_sd").multiply(1.645)), lit(0.0)), 2).as("lower_90"));
            out.add(round(greatest(col("prediction").plus(col("error_sd").multiply(1.645)), lit(0.0)), 2).as("upper_90"));
            out.add(lit(spec.name()).as("model"));
            out.add(lit(champion.version()).as("model_version"));
            out.add(lit(run.runId()).as("run_id"));
            out.add(lit(Date.valueOf(runDate)).as("run_date"));
            Dataset<Row> forecasts = model.transform(toForecast)
                    .join(perSeries, new String[]{f.id(), ForecastFrame.HORIZON}, "left")
                    .join(org.apache.spark.sql.functions.broadcast(pooled), new String[]{ForecastFrame.HORIZON}, "left")
                    .withColumn("error_sd", org.apache.spark.sql.functions.coalesce(col("_series_sd"), col("_pooled_sd")))
                    .select(out.toArray(Column[]::new));
            ResultTable.Written fw = ResultTable.of(lakehouse, output).replaceWhere("origin_week = '" + last + "'").write(forecasts, run);
            LOG.info("Forecast {} weeks ahead from {} with {}: {} rows in {}", f.horizon(), last, champion.id(), fw.rows(), output);
            return new ForecastResult(trained, champion, backtest, last, fw, bt, series);
        } finally {
            frame.unpersist();
        }
    }

    /**
     * Rolling-origin backtest: for each origin (the last one H weeks before the data ends, the others {@code step}
     * weeks apart before it), fit on what was known at the origin (rows whose target week is not after it) and
     * forecast 1..H weeks ahead; the seasonal-naive forecast is scored on the same rows.
     */
    List<HorizonError> backtest(Dataset<Row> frame, LocalDate last, ForecastSettings f) {
        Dataset<Row> known = frame.where(col(ForecastFrame.TARGET).isNotNull().and(col(ForecastFrame.SEASONAL_NAIVE).isNotNull()));
        Dataset<Row> all = null;
        for (int k = 0; k < f.origins(); k++) {
            LocalDate origin = last.minusWeeks(f.horizon() + (long) f.step() * k);
            Dataset<Row> train = frame.where(col(ForecastFrame.TARGET).isNotNull()
                    .and(col(ForecastFrame.TARGET_WEEK).leq(lit(Date.valueOf(origin)))));
            Dataset<Row> test = known.where(col(ForecastFrame.ORIGIN).equalTo(lit(Date.valueOf(origin))));
            if (train.isEmpty() || test.isEmpty()) {
                LOG.warn("Backtest origin {}: {} — skipped", origin, train.isEmpty() ? "no history before it" : "no weeks to compare");
                continue;
            }
            LOG.info("Backtest origin {} ({}/{})", origin, k + 1, f.origins());
            PipelineModel m = ModelTrainer.fitSupervised(spec, train);
            Dataset<Row> predicted = m.transform(test).select(col(f.id()), col(ForecastFrame.ORIGIN), col(ForecastFrame.TARGET_WEEK),
                    col(ForecastFrame.HORIZON), col(ForecastFrame.TARGET).as("actual"),
                    greatest(col("prediction"), lit(0.0)).as(MODEL), col(ForecastFrame.SEASONAL_NAIVE).as(SEASONAL_NAIVE))
                    .localCheckpoint();
            all = all == null ? predicted : all.unionByName(predicted);
        }
        this.backtestPredictions = all;
        if (all == null) {
            throw new dev.lakeforge.config.ConfigurationException("forecast.backtest", "no origin with history before it and "
                    + f.horizon() + " observed weeks after it", "more weeks of data than season + horizon + (origins - 1) x step");
        }
        List<HorizonError> out = new ArrayList<>();
        for (String method : List.of(MODEL, SEASONAL_NAIVE)) {
            Column err = col(method).minus(col("actual"));
            Column[] aggs = {
                    avg(when(col("actual").gt(0), abs(err).divide(col("actual")))).multiply(100).as("mape"),
                    avg(when(abs(col("actual")).plus(abs(col(method))).equalTo(0), lit(0.0))
                            .otherwise(abs(err).multiply(2).divide(abs(col("actual")).plus(abs(col(method)))))).multiply(100).as("smape"),
                    sum(abs(err)).divide(sum(abs(col("actual")))).multiply(100).as("wape"),
                    avg(abs(err)).as("mae"),
                    sqrt(avg(err.multiply(err))).as("rmse"),
                    count(lit(1)).as("rows")};
            Column[] rest = java.util.Arrays.copyOfRange(aggs, 1, aggs.length);
            for (Row r : all.groupBy(ForecastFrame.HORIZON).agg(aggs[0], rest).orderBy(ForecastFrame.HORIZON).collectAsList()) {
                out.add(new HorizonError(r.getInt(0), method, nz(r, 1), nz(r, 2), nz(r, 3), nz(r, 4), nz(r, 5), r.getLong(6)));
            }
            Row total = all.agg(aggs[0], rest).first();
            out.add(new HorizonError(0, method, nz(total, 0), nz(total, 1), nz(total, 2), nz(total, 3), nz(total, 4), total.getLong(5)));
        }
        return out;
    }

    /** The backtest summed over all series per origin, target week and horizon: what a forecast-against-actual chart draws. */
    private Dataset<Row> backtestSeries(TrainResult trained, LocalDate last) {
        return backtestPredictions.groupBy(col(ForecastFrame.ORIGIN), col(ForecastFrame.TARGET_WEEK).as("week_start"), col(ForecastFrame.HORIZON))
                .agg(round(sum(col("actual")), 2).as("actual_units"), round(sum(col(MODEL)), 2).as("forecast_units"),
                        round(sum(col(SEASONAL_NAIVE)), 2).as("seasonal_naive_units"), count(lit(1)).as("series"))
                .select(lit(spec.name()).as("model"), lit(trained.model().version()).as("model_version"), lit(Date.valueOf(last)).as("as_of_week"),
                        col(ForecastFrame.ORIGIN), col("week_start"), col(ForecastFrame.HORIZON), col("actual_units"), col("forecast_units"),
                        col("seasonal_naive_units"), col("series"), lit(run.runId()).as("run_id"))
                .coalesce(1);
    }

    private Dataset<Row> backtestRows(List<HorizonError> errors, TrainResult trained, LocalDate last) {
        List<Row> rows = new ArrayList<>();
        for (HorizonError e : errors) {
            rows.add(org.apache.spark.sql.RowFactory.create(spec.name(), trained.model().version(), Date.valueOf(last), e.horizon(), e.method(),
                    orNull(e.mape()), orNull(e.smape()), orNull(e.wape()), orNull(e.mae()), orNull(e.rmse()), e.rows(), spec.forecast().orElseThrow().origins(), run.runId()));
        }
        var schema = new org.apache.spark.sql.types.StructType()
                .add("model", DataTypes.StringType).add("model_version", DataTypes.IntegerType).add("as_of_week", DataTypes.DateType)
                .add("horizon", DataTypes.IntegerType).add("method", DataTypes.StringType).add("mape", DataTypes.DoubleType)
                .add("smape", DataTypes.DoubleType).add("wape", DataTypes.DoubleType)
                .add("mae", DataTypes.DoubleType).add("rmse", DataTypes.DoubleType).add("rows", DataTypes.LongType)
                .add("origins", DataTypes.IntegerType).add("run_id", DataTypes.StringType);
        return lakehouse.spark().createDataFrame(rows, schema).coalesce(1);
    }

    private static Double orNull(double d) {
        return Double.isNaN(d) ? null : d;
    }

    private static double nz(Row r, int i) {
        return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.3f", d);
    }
}
