package dev.lakeforge.marts;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.sql.Date;
import java.util.Collection;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.sales_daily}: per order date, product and region — units sold, revenue (after discount), cost at the
 * product's unit cost valid on that date, margin, orders, promotional units and returned units. Cancelled
 * orders count nowhere; returned orders count only as returned units.
 */
public final class SalesDailyMart {
    private SalesDailyMart() {
    }

    static Dataset<Row> build(SilverTables s, Collection<Date> onlyDates) {
        Dataset<Row> orders = s.table("sales_orders")
                .where(col("order_date").leq(lit(Date.valueOf(s.runDate()))).and(col("status").notEqual("cancelled")))
                .select("order_id", "order_date", "region", "status");
        if (onlyDates != null) {
            orders = orders.where(col("order_date").isin(onlyDates.toArray()));
        }
        Dataset<Row> lines = s.table("order_lines")
                .select("order_id", "product_id", "quantity", "unit_price", "discount_pct", "promo_flag");
        Dataset<Row> products = s.table("products").select(col("product_id").as("p_id"), col("category"), col("unit_cost"),
                col("valid_from"), col("valid_to"));
        Dataset<Row> joined = lines.join(orders, "order_id");
        // the product version valid at the end of the order date (point-in-time join on the SCD2 history)
        var endOfDay = date_add(col("order_date"), 1).cast(DataTypes.TimestampType);
        joined = joined.join(products, col("product_id").equalTo(col("p_id"))
                        .and(col("valid_from").lt(endOfDay))
                        .and(col("valid_to").isNull().or(col("valid_to").geq(endOfDay))), "left")
                .drop("p_id", "valid_from", "valid_to");
        org.apache.spark.sql.Column sold = col("status").notEqual("returned");
        var net = col("quantity").multiply(col("unit_price")).multiply(lit(1.0).minus(coalesce(col("discount_pct"), lit(0.0)).divide(100)));
        return joined.groupBy("order_date", "product_id", "category", "region").agg(
                        sum(when(sold, col("quantity")).otherwise(0)).cast(DataTypes.LongType).as("units"),
                        round(sum(when(sold, net).otherwise(0.0)), 2).as("revenue"),
                        round(sum(when(sold, col("quantity").multiply(col("unit_cost"))).otherwise(0.0)), 2).as("cost"),
                        countDistinct(when(sold, col("order_id"))).as("orders"),
                        sum(when(sold.and(col("promo_flag").equalTo(1)), col("quantity")).otherwise(0)).cast(DataTypes.LongType).as("promo_units"),
                        sum(when(org.apache.spark.sql.functions.not(sold), col("quantity")).otherwise(0)).cast(DataTypes.LongType).as("returned_units"))
                .withColumn("margin", round(col("revenue").minus(col("cost")), 2))
                .select("order_date", "product_id", "category", "region", "units", "revenue", "cost", "margin", "orders",
                        "promo_units", "returned_units");
    }
}
