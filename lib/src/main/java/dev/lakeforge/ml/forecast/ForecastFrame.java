package dev.lakeforge.ml.forecast;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.weekofyear;

/**
 * Turns a weekly series table (one row per series and week) into the frame a direct multi-horizon forecaster
 * learns from: one row per series, forecast origin (the last week whose value is known) and horizon
 * {@code h = 1..H}, with only what is known at the origin —
 * <ul>
 *   <li>{@code origin_week}, {@code target_week} (= origin + h weeks), {@code horizon};</li>
 *   <li>{@code level} (the value at the origin), {@code level_ma_4}, {@code level_ma_12} (moving averages up to the
 *       origin), {@code trend_4} (the last four weeks' average against the four before);</li>
 *   <li>{@code seasonal_naive}: the value one season before the target week (the seasonal-naive forecast itself),
 *       and {@code seasonal_ma_3}: the average of the three weeks around it;</li>
 *   <li>{@code target_sin}, {@code target_cos}: the target week's place in the year;</li>
 *   <li>every other numeric column of the weekly table (prices, promotion share, commodity prices…) as of the
 *       origin, under its own name, and the categorical columns given;</li>
 *   <li>{@code target}: the value at the target week — null where it lies beyond the data (rows to forecast).</li>
 * </ul>
 */
public final class ForecastFrame {
    public static final String ORIGIN = "origin_week";
    public static final String TARGET_WEEK = "target_week";
    public static final String HORIZON = "horizon";
    public static final String TARGET = "target";
    public static final String SEASONAL_NAIVE = "seasonal_naive";
    /** Columns the weekly mart derives from the target itself: they describe the past relative to each row, not the origin. */
    private static final Set<String> LEAKY_PREFIXES = Set.of("units_lag_", "units_ma_");

    private ForecastFrame() {
    }

    public static Dataset<Row> build(Dataset<Row> weekly, ForecastSettings f, List<String> categorical) {
        String id = f.id();
        String time = f.time();
        String value = f.target();
        WindowSpec w = Window.partitionBy(id).orderBy(time);
        Dataset<Row> base = weekly
                .withColumn("level", col(value).cast(DataTypes.DoubleType))
                .withColumn("level_ma_4", round(avg(col(value)).over(w.rowsBetween(-3, 0)), 4))
                .withColumn("level_ma_12", round(avg(col(value)).over(w.rowsBetween(-11, 0)), 4))
                .withColumn("trend_4", round(avg(col(value)).over(w.rowsBetween(-3, 0))
                        .minus(avg(col(value)).over(w.rowsBetween(-7, -4))), 4));
        List<String> carried = new ArrayList<>();
        Set<String> own = Set.of(id, time, value);
        for (StructField field : weekly.schema().fields()) {
            String n = field.name();
            if (own.contains(n) || categorical.contains(n) || !(field.dataType() instanceof NumericType)
                    || LEAKY_PREFIXES.stream().anyMatch(n::startsWith) || List.of("week_of_year", "month", "season_sin", "season_cos",
                    "revenue", "orders").contains(n)) {
                continue;
            }
            carried.add(n);
        }
        Dataset<Row> out = null;
        for (int h = 1; h <= f.horizon(); h++) {
            int back = f.season() - h; // the target week one season earlier, seen from the origin
            List<Column> select = new ArrayList<>();
            select.add(col(id));
            for (String c : categorical) {
                select.add(col(c));
            }
            select.add(col(time).as(ORIGIN));
            select.add(date_add(col(time), 7 * h).as(TARGET_WEEK));
            select.add(lit(h).as(HORIZON));
            select.add(col("level"));
            select.add(col("level_ma_4"));
            select.add(col("level_ma_12"));
            select.add(col("trend_4"));
            select.add((back >= 0 ? lag(col(value), back).over(w) : lead(col(value), -back).over(w)).cast(DataTypes.DoubleType).as(SEASONAL_NAIVE));
            select.add(round(avg(col(value)).over(w.rowsBetween(-back - 1, -back + 1)), 4).as("seasonal_ma_3"));
            for (String c : carried) {
                select.add(col(c));
            }
            select.add(lead(col(value), h).over(w).cast(DataTypes.DoubleType).as(TARGET));
            Dataset<Row> one = base.select(select.toArray(Column[]::new));
            out = out == null ? one : out.unionByName(one);
        }
        Column angle = weekofyear(col(TARGET_WEEK)).multiply(2 * Math.PI / 52.0);
        return out.withColumn("target_sin", round(sin(angle), 6)).withColumn("target_cos", round(cos(angle), 6));
    }
}
