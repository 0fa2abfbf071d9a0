package dev.lakeforge.planning;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.ResultTable;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.production_plan}: per plant, product and forecast week, what to produce.
 * <ol>
 *   <li>Each product's forecast is split over the plants that made it in the last {@code share-weeks} before the
 *       run date, by their share of its production (a product no plant made recently: by plant capacity).</li>
 *   <li>Safety stock = z(service level) × the forecast's expected error (its backtest RMSE) × the plant's share.</li>
 *   <li>Required quantity, week by week: enough that the stock at the start of the week (the latest on-hand
 *       snapshot, plus what the plan made, minus forecast demand, of the weeks before) covers the week's demand
 *       plus its safety stock: cumulative required R(h) = max(0, max over j ≤ h of (cumulative demand(j) + safety
 *       stock(j) − on hand)); the week's quantity is R(h) − R(h−1).</li>
 *   <li>Within capacity: when a plant's requirements in a week exceed its weekly capacity, every product's
 *       quantity there is scaled down by the same factor; {@code shortfall_qty} shows what could not be planned.</li>
 * </ol>
 * A re-run replaces the rows of the same forecast origin.
 */
public final class PlanProductionAction {
    /** The silver tables planning reads besides the forecast. */
    public static final List<TableName> SILVER_INPUTS = List.of(TableName.of("silver", "plants"), TableName.of("silver", "production_runs"),
            TableName.of("silver", "inventory_snapshots"));
    private static final Logger LOG = LoggerFactory.getLogger(PlanProductionAction.class);
    private final Lakehouse lakehouse;
    private LocalDate runDate;
    private JobRun run;
    private double serviceLevel = 0.95;
    private int shareWeeks = 26;
    private TableName forecast = TableName.parse("gold.demand_forecast");
    private TableName output = TableName.parse("gold.production_plan");

    public PlanProductionAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public PlanProductionAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public PlanProductionAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public PlanProductionAction serviceLevel(double level) {
        if (!(level >= 0.5 && level < 1.0)) {
            throw new IllegalArgumentException("service level must be in [0.5, 1), not " + level);
        }
        this.serviceLevel = level;
        return this;
    }

    public PlanProductionAction shareWeeks(int weeks) {
        this.shareWeeks = weeks;
        return this;
    }

    public PlanProductionAction forecast(TableName table) {
        this.forecast = table;
        return this;
    }

    public PlanProductionAction output(TableName table) {
        this.output = table;
        return this;
    }

    public record PlanResult(ResultTable.Written table, LocalDate origin, long plantWeeksOverCapacity, double plannedUnits,
                             double shortfallUnits) {
    }

    public PlanResult execute() {
        List<TableName> inputs = new java.util.ArrayList<>(SILVER_INPUTS);
        inputs.add(0, forecast);
        for (TableName t : inputs) {
            if (!lakehouse.exists(t)) {
                throw new IllegalStateException("Production planning needs " + t + ", which does not exist yet: run the pipeline"
                        + (t.equals(forecast) ? " with the demand forecast" : "") + " first");
            }
        }
        Dataset<Row> all = lakehouse.read(forecast);
        Row newest = all.agg(max("origin_week")).first();
        if (newest.isNullAt(0)) {
            throw new IllegalStateException(forecast + " is empty: nothing to plan");
        }
        LocalDate origin = newest.getDate(0).toLocalDate();
        Dataset<Row> fc = all.where(col("origin_week").equalTo(lit(Date.valueOf(origin))))
                .select("product_id", "week_start", "horizon", "forecast_units", "error_sd");
        double z = inverseNormal(serviceLevel);

        Dataset<Row> plants = lakehouse.read(TableName.of("silver", "plants"));
        if (java.util.Arrays.asList(plants.columns()).contains("is_current")) {
            plants = plants.where(col("is_current"));
        }
        plants = plants.select("plant_id", "weekly_capacity");
        Date from = Date.valueOf(runDate.minusWeeks(shareWeeks));
        Dataset<Row> made = lakehouse.read(TableName.of("silver", "production_runs"))
                .where(col("run_date").gt(lit(from)).and(col("run_date").leq(lit(Date.valueOf(runDate)))))
                .groupBy("plant_id", "product_id").agg(sum("produced_qty").cast(DataTypes.DoubleType).as("_made"))
                .join(plants.select("plant_id"), "plant_id");
        WindowSpec byProduct = Window.partitionBy("product_id");
        Dataset<Row> historyShare = made.withColumn("plant_share", col("_made").divide(sum("_made").over(byProduct)))
                .where(col("plant_share").gt(0)).select("plant_id", "product_id", "plant_share");
        double totalCapacity = plants.agg(sum("weekly_capacity")).first().getLong(0);
        Dataset<Row> unseen = fc.select("product_id").distinct().join(historyShare.select("product_id").distinct(), new String[]{"product_id"}, "left_anti")
                .crossJoin(plants).select(col("plant_id"), col("product_id"), col("weekly_capacity").divide(totalCapacity).as("plant_share"));
        Dataset<Row> shares = historyShare.unionByName(unseen);

        WindowSpec latest = Window.partitionBy("plant_id", "product_id").orderBy(col("snapshot_date").desc());
        Dataset<Row> onHand = lakehouse.read(TableName.of("silver", "inventory_snapshots"))
                .where(col("snapshot_date").leq(lit(Date.valueOf(runDate))))
                .withColumn("_rn", row_number().over(latest)).where(col("_rn").equalTo(1))
                .select(col("plant_id"), col("product_id"), col("on_hand_qty").cast(DataTypes.DoubleType).as("on_hand_start"),
                        col("snapshot_date").as("on_hand_as_of"));

        WindowSpec weeks = Window.partitionBy("plant_id", "product_id").orderBy("horizon");
        Dataset<Row> need = fc.join(shares, "product_id")
                .join(onHand, new String[]{"plant_id", "product_id"}, "left")
                .withColumn("on_hand_start", coalesce(col("on_hand_start"), lit(0.0)))
                .withColumn("demand", col("forecast_units").multiply(col("plant_share")))
                .withColumn("safety_stock", lit(z).multiply(coalesce(col("error_sd"), lit(0.0))).multiply(col("plant_share")))
                .withColumn("_cum_demand", sum("demand").over(weeks.rowsBetween(Window.unboundedPreceding(), 0)))
                .withColumn("_cum_req", greatest(lit(0.0), max(col("_cum_demand").plus(col("safety_stock")).minus(col("on_hand_start")))
                        .over(weeks.rowsBetween(Window.unboundedPreceding(), 0))))
                .withColumn("required_qty", col("_cum_req").minus(coalesce(lag("_cum_req", 1).over(weeks), lit(0.0))));
        WindowSpec plantWeek = Window.partitionBy("plant_id", "week_start");
        Dataset<Row> plan = need.join(plants, "plant_id")
                .withColumn("_plant_required", sum("required_qty").over(plantWeek))
                .withColumn("_factor", when(col("_plant_required").gt(col("weekly_capacity")),
                        col("weekly_capacity").divide(col("_plant_required"))).otherwise(lit(1.0)))
                .withColumn("planned_qty", org.apache.spark.sql.functions.floor(col("required_qty").multiply(col("_factor"))))
                .withColumn("shortfall_qty", round(col("required_qty").minus(col("planned_qty")), 2))
                .withColumn("capacity_utilisation", round(least(col("_plant_required"), col("weekly_capacity")).divide(col("weekly_capacity")), 4));
        Column[] select = {col("plant_id"), col("product_id"), col("week_start"), col("horizon"), round(col("demand"), 2).as("forecast_units"),
                round(col("plant_share"), 4).as("plant_share"), round(col("safety_stock"), 2).as("safety_stock"),
                round(col("on_hand_start"), 2).as("on_hand_start"), col("on_hand_as_of"), round(col("required_qty"), 2).as("required_qty"),
                col("planned_qty").cast(DataTypes.LongType).as("planned_qty"), col("shortfall_qty"),
                col("weekly_capacity").as("plant_weekly_capacity"), col("capacity_utilisation"),
                lit(Date.valueOf(origin)).as("origin_week"), lit(serviceLevel).as("service_level"),
                lit(run.runId()).as("run_id"), lit(Date.valueOf(runDate)).as("run_date")};
        Dataset<Row> out = plan.select(select);
        ResultTable.Written w = ResultTable.of(lakehouse, output).replaceWhere("origin_week = '" + origin + "'").write(out, run);
        Row totals = lakehouse.read(output).where(col("origin_week").equalTo(lit(Date.valueOf(origin))))
                .agg(sum("planned_qty"), sum("shortfall_qty"), countDistinct(when(col("shortfall_qty").gt(0),
                        org.apache.spark.sql.functions.struct(col("plant_id"), col("week_start"))))).first();
        long over = totals.getLong(2);
        double planned = totals.isNullAt(0) ? 0 : totals.getLong(0);
        double shortfall = totals.isNullAt(1) ? 0 : totals.getDouble(1);
        LOG.info("Production plan from {}: {} rows, {} units planned, {} short in {} plant-week(s) over capacity", origin, w.rows(),
                (long) planned, Math.round(shortfall), over);
        return new PlanResult(w, origin, over, planned, shortfall);
    }

    /** The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
    static double inverseNormal(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
