package dev.lakeforge.marts;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.sql.Date;
import java.time.LocalDate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.customer_features}: behaviour of each customer who has ordered, as of a snapshot date — recency,
 * frequency and monetary value over a year, tenure, activity in the last 90 days against the 90 before (trend),
 * complaints, ratings, views, promotion and web shares, basket value, category breadth and the change in prices
 * paid — with two snapshots per run:
 * <ul>
 *   <li>{@code snapshot = 'training'}: as of the run date minus the churn horizon, with the label
 *       {@code churned} = 1 when the customer placed no order in the horizon that followed;</li>
 *   <li>{@code snapshot = 'scoring'}: as of the run date, label unknown (null) — what churn models score.</li>
 * </ul>
 */
public final class CustomerFeaturesMart {
    public static final int CHURN_HORIZON_DAYS = 90;

    private CustomerFeaturesMart() {
    }

    static Dataset<Row> build(SilverTables s) {
        LocalDate runDate = s.runDate();
        Dataset<Row> lines = s.table("order_lines").select("order_id", "product_id", "quantity", "unit_price", "discount_pct", "promo_flag");
        Dataset<Row> orders = s.table("sales_orders").where(col("status").notEqual("cancelled"))
                .select("order_id", "customer_id", "order_date", "channel");
        Dataset<Row> products = s.current("products").select("product_id", "category");
        Dataset<Row> orderLines = lines.join(orders, "order_id").join(products, "product_id")
                .withColumn("net", col("quantity").multiply(col("unit_price"))
                        .multiply(lit(1.0).minus(coalesce(col("discount_pct"), lit(0.0)).divide(100))));
        Dataset<Row> events = s.table("interactions").select(col("customer_id"), col("event_type"), col("rating"),
                col("event_time").cast(DataTypes.DateType).as("event_date"));
        Dataset<Row> customers = s.asOfRunDate("customers").select("customer_id", "customer_type", "region", "signup_date");
        Dataset<Row> training = snapshot(orderLines, events, customers, runDate.minusDays(CHURN_HORIZON_DAYS), true);
        Dataset<Row> scoring = snapshot(orderLines, events, customers, runDate, false);
        return training.unionByName(scoring);
    }

    private static Dataset<Row> snapshot(Dataset<Row> lines, Dataset<Row> events, Dataset<Row> customers, LocalDate asOf, boolean labelled) {
        Column d = lit(Date.valueOf(asOf));
        Column age = datediff(d, col("order_date"));
        Dataset<Row> history = lines.where(col("order_date").leq(d));
        Dataset<Row> orderAgg = history.groupBy("customer_id").agg(
                datediff(d, max("order_date")).as("recency_days"),
                countDistinct(when(age.lt(365), col("order_id"))).as("frequency_365d"),
                round(coalesce(sum(when(age.lt(365), col("net"))), lit(0.0)), 2).as("monetary_365d"),
                countDistinct(when(age.lt(90), col("order_id"))).as("orders_90d"),
                countDistinct(when(age.geq(90).and(age.lt(180)), col("order_id"))).as("orders_prev_90d"),
                round(coalesce(sum(when(age.lt(365), col("net"))).divide(countDistinct(when(age.lt(365), col("order_id")))), lit(0.0)), 2)
                        .as("avg_basket_value"),
                round(avg(when(age.lt(365), col("promo_flag").cast(DataTypes.DoubleType))), 4).as("promo_share"),
                round(avg(when(age.lt(365), when(col("channel").equalTo("web"), 1.0).otherwise(0.0))), 4).as("web_share"),
                countDistinct(when(age.lt(365), col("category"))).as("distinct_categories"),
                avg(when(age.lt(90), col("unit_price"))).as("_price_recent"),
                avg(when(age.geq(90).and(age.lt(365)), col("unit_price"))).as("_price_before"),
                min("order_date").as("first_order_date"));
        Column eventAge = datediff(d, col("event_date"));
        Dataset<Row> eventAgg = events.where(col("event_date").leq(d)).groupBy("customer_id").agg(
                sum(when(col("event_type").equalTo("complaint").and(eventAge.lt(180)), 1).otherwise(0)).as("complaints_180d"),
                sum(when(col("event_type").equalTo("view").and(eventAge.lt(90)), 1).otherwise(0)).as("views_90d"),
                round(avg(when(col("event_type").equalTo("rating"), col("rating"))), 3).as("avg_rating"));
        Dataset<Row> out = orderAgg.join(eventAgg, "customer_id", "left").join(customers, "customer_id", "left")
                .withColumn("activity_trend", round(col("orders_90d").minus(col("orders_prev_90d"))
                        .divide(col("orders_prev_90d").plus(1)), 4))
                .withColumn("price_change_pct", round(coalesce(col("_price_recent").divide(col("_price_before")).minus(1).multiply(100),
                        lit(0.0)), 3))
                .withColumn("tenure_days", datediff(d, coalesce(col("signup_date"), col("first_order_date"))))
                .withColumn("complaints_180d", coalesce(col("complaints_180d"), lit(0L)))
                .withColumn("views_90d", coalesce(col("views_90d"), lit(0L)))
                .drop("_price_recent", "_price_before", "signup_date", "first_order_date");
        if (labelled) {
            Column after = col("order_date").gt(d).and(col("order_date").leq(lit(Date.valueOf(asOf.plusDays(CHURN_HORIZON_DAYS)))));
            Dataset<Row> active = lines.where(after).select("customer_id").distinct().withColumn("_active", lit(1));
            out = out.join(active, "customer_id", "left")
                    .withColumn("churned", when(col("_active").isNull(), 1).otherwise(0)).drop("_active");
        } else {
            out = out.withColumn("churned", lit(null).cast(DataTypes.IntegerType));
        }
        return out.withColumn("snapshot", lit(labelled ? "training" : "scoring"))
                .withColumn("as_of_date", d)
                .select("customer_id", "snapshot", "as_of_date", "customer_type", "region", "recency_days", "frequency_365d",
                        "monetary_365d", "orders_90d", "orders_prev_90d", "activity_trend", "avg_basket_value", "tenure_days",
                        "complaints_180d", "views_90d", "avg_rating", "promo_share", "web_share", "distinct_categories",
                        "price_change_pct", "churned");
    }
}
