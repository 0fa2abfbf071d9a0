package dev.lakeforge.marts;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.sql.Timestamp;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.interactions}: implicit feedback per customer and product — views, add-to-basket events, purchases
 * (order lines, or purchase events where larger), average rating, complaints, last interaction — and a single
 * {@code strength} = views + 3 × baskets + 5 × purchases + 2 × (average rating above 3), for implicit ALS.
 */
public final class InteractionsMart {
    private InteractionsMart() {
    }

    static Dataset<Row> build(SilverTables s) {
        Timestamp end = Timestamp.valueOf(s.runDate().plusDays(1).atStartOfDay());
        Dataset<Row> events = s.table("interactions").where(col("event_time").lt(lit(end)));
        Column type = col("event_type");
        Dataset<Row> byEvents = events.groupBy("customer_id", "product_id").agg(
                sum(when(type.equalTo("view"), 1).otherwise(0)).as("views"),
                sum(when(type.equalTo("add_to_basket"), 1).otherwise(0)).as("baskets"),
                sum(when(type.equalTo("purchase"), 1).otherwise(0)).as("purchase_events"),
                avg(when(type.equalTo("rating"), col("rating"))).as("avg_rating"),
                sum(when(type.equalTo("complaint"), 1).otherwise(0)).as("complaints"),
                max("event_time").as("last_event_time"));
        Dataset<Row> orders = s.table("sales_orders").where(col("status").notEqual("cancelled")
                .and(col("order_date").lt(lit(end).cast(DataTypes.DateType)))).select("order_id", "customer_id");
        Dataset<Row> bought = s.table("order_lines").join(orders, "order_id").groupBy("customer_id", "product_id")
                .agg(count(org.apache.spark.sql.functions.lit(1)).as("order_lines"), sum("quantity").as("units_bought"));
        Dataset<Row> all = byEvents.join(bought, new String[]{"customer_id", "product_id"}, "full_outer");
        for (String c : new String[]{"views", "baskets", "purchase_events", "complaints", "order_lines", "units_bought"}) {
            all = all.withColumn(c, coalesce(col(c), lit(0L)).cast(DataTypes.LongType));
        }
        return all.withColumn("purchases", greatest(col("purchase_events"), col("order_lines")))
                .withColumn("avg_rating", round(col("avg_rating"), 3))
                .withColumn("strength", round(col("views").plus(col("baskets").multiply(3)).plus(col("purchases").multiply(5))
                        .plus(greatest(coalesce(col("avg_rating"), lit(3.0)).minus(3), lit(0.0)).multiply(2)), 3))
                .select("customer_id", "product_id", "views", "baskets", "purchases", "units_bought", "avg_rating", "complaints",
                        "last_event_time", "strength");
    }
}
