package dev.lakeforge.marts;

import dev.lakeforge.config.ConfigReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

import java.sql.Date;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.weekofyear;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.product_demand_weekly}: one row per product and complete week (Monday start) from the first week
 * with sales up to the last full week before the run date, weeks without sales included as zero — units,
 * revenue, average price paid, promotion share, orders; lags (1, 2, 4, 52 weeks) and moving averages (4, 12)
 * of units; calendar features (week of year, month, yearly sine/cosine); the list price; and the weekly
 * average of each commodity price, now and four weeks earlier. The input of demand forecasting.
 */
public final class ProductDemandWeeklyMart {
    private ProductDemandWeeklyMart() {
    }

    /** The Monday starting the last week that ended on or before the run date. */
    static LocalDate lastFullWeekStart(LocalDate runDate) {
        LocalDate sunday = runDate.getDayOfWeek() == DayOfWeek.SUNDAY ? runDate : runDate.with(TemporalAdjusters.previous(DayOfWeek.SUNDAY));
        return sunday.minusDays(6);
    }

    static Dataset<Row> build(SilverTables s) {
        LocalDate lastWeek = lastFullWeekStart(s.runDate());
        Column weekStart = date_trunc("week", col("order_date")).cast(DataTypes.DateType);
        Dataset<Row> orders = s.table("sales_orders").where(col("status").isin("created", "shipped"))
                .select("order_id", "order_date");
        Dataset<Row> lines = s.table("order_lines").join(orders, "order_id")
                .withColumn("week_start", weekStart)
                .where(col("week_start").leq(lit(Date.valueOf(lastWeek))))
                .withColumn("net", col("quantity").multiply(col("unit_price"))
                        .multiply(lit(1.0).minus(coalesce(col("discount_pct"), lit(0.0)).divide(100))));
        Dataset<Row> weekly = lines.groupBy("product_id", "week_start").agg(
                sum("quantity").cast(DataTypes.LongType).as("units"),
                round(sum("net"), 2).as("revenue"),
                countDistinct("order_id").as("orders"),
                avg(col("promo_flag").cast(DataTypes.DoubleType)).as("promo_share"));

        Row first = lines.agg(org.apache.spark.sql.functions.min("week_start")).first();
        if (first.isNullAt(0)) {
            return weekly.limit(0);
        }
        Dataset<Row> weeks = s.table("sales_orders").sparkSession().range(1)
                .select(explode(sequence(lit(first.getDate(0)), lit(Date.valueOf(lastWeek)), expr("INTERVAL 7 DAYS"))).as("week_start"));
        Dataset<Row> products = s.current("products").select("product_id", "category", "list_price");
        Dataset<Row> grid = products.crossJoin(weeks).join(weekly, new String[]{"product_id", "week_start"}, "left")
                .withColumn("units", coalesce(col("units"), lit(0L)))
                .withColumn("revenue", coalesce(col("revenue"), lit(0.0)))
                .withColumn("orders", coalesce(col("orders"), lit(0L)))
                .withColumn("promo_share", round(coalesce(col("promo_share"), lit(0.0)), 4))
                .withColumn("avg_price", round(when(col("units").gt(0), col("revenue").divide(col("units"))).otherwise(col("list_price")), 4));

        WindowSpec w = Window.partitionBy("product_id").orderBy("week_start");
        grid = grid.withColumn("units_lag_1", lag("units", 1).over(w))
                .withColumn("units_lag_2", lag("units", 2).over(w))
                .withColumn("units_lag_4", lag("units", 4).over(w))
                .withColumn("units_lag_52", lag("units", 52).over(w))
                .withColumn("units_ma_4", round(avg("units").over(w.rowsBetween(-4, -1)), 3))
                .withColumn("units_ma_12", round(avg("units").over(w.rowsBetween(-12, -1)), 3))
                .withColumn("week_of_year", weekofyear(col("week_start")))
                .withColumn("month", month(col("week_start")))
                .withColumn("season_sin", round(sin(col("week_of_year").multiply(2 * Math.PI / 52.0)), 6))
                .withColumn("season_cos", round(cos(col("week_of_year").multiply(2 * Math.PI / 52.0)), 6));

        List<String> commodityColumns = new ArrayList<>();
        if (s.exists("commodity_prices")) {
            Dataset<Row> prices = s.table("commodity_prices").withColumn("week_start", date_trunc("week", col("price_date")).cast(DataTypes.DateType));
            List<String> commodities = prices.select("commodity").distinct().orderBy("commodity").collectAsList().stream()
                    .map(r -> r.getString(0)).filter(ConfigReader::isIdentifier).toList();
            if (!commodities.isEmpty()) {
                Dataset<Row> pivot = prices.groupBy("week_start").pivot("commodity", new ArrayList<>(commodities)).agg(avg("price"));
                WindowSpec byWeek = Window.orderBy("week_start");
                for (String c : commodities) {
                    String name = "commodity_" + c;
                    pivot = pivot.withColumnRenamed(c, name)
                            .withColumn(name, round(col(name), 4))
                            .withColumn(name + "_lag_4", lag(col(name), 4).over(byWeek));
                    commodityColumns.add(name);
                    commodityColumns.add(name + "_lag_4");
                }
                grid = grid.join(org.apache.spark.sql.functions.broadcast(pivot), new String[]{"week_start"}, "left");
            }
        }
        List<Column> select = new ArrayList<>();
        for (String c : List.of("product_id", "category", "week_start", "units", "revenue", "orders", "avg_price", "list_price",
                "promo_share", "units_lag_1", "units_lag_2", "units_lag_4", "units_lag_52", "units_ma_4", "units_ma_12", "week_of_year",
                "month", "season_sin", "season_cos")) {
            select.add(col(c));
        }
        commodityColumns.forEach(c -> select.add(col(c)));
        return grid.select(select.toArray(Column[]::new));
    }
}
