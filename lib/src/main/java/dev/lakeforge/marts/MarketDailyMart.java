package dev.lakeforge.marts;

import dev.lakeforge.config.ConfigReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;

/**
 * {@code gold.market_daily}: market data aligned to the business calendar — one row per calendar day from the
 * first business record to the run date, a column per commodity price, FX rate and stock index, each carried
 * forward over days without a quote (weekends, holidays), with {@code is_business_day} and
 * {@code quoted} (whether any series had a fresh quote that day).
 */
public final class MarketDailyMart {
    private MarketDailyMart() {
    }

    static Dataset<Row> build(SilverTables s) {
        Date end = Date.valueOf(s.runDate());
        Row start = s.table("sales_orders").agg(min("order_date")).first();
        if (start.isNullAt(0)) {
            return s.table("sales_orders").sparkSession().emptyDataFrame();
        }
        Dataset<Row> calendar = s.table("sales_orders").sparkSession().range(1)
                .select(explode(sequence(lit(start.getDate(0)), lit(end), expr("INTERVAL 1 DAY"))).as("date"));
        List<String> series = new ArrayList<>();
        Dataset<Row> out = calendar;
        out = addSeries(s, out, "commodity_prices", "price_date", "commodity", "price", "commodity_", series);
        out = addSeries(s, out, "fx_rates", "rate_date", "currency", "rate_to_eur", "fx_", series);
        out = addSeries(s, out, "stock_index", "index_date", "index_name", "close", "index_", series);
        Column quoted = lit(false);
        for (String c : series) {
            quoted = quoted.or(col(c).isNotNull());
        }
        out = out.withColumn("quoted", quoted);
        WindowSpec w = Window.orderBy("date").rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        for (String c : series) {
            out = out.withColumn(c, last(col(c), true).over(w));
        }
        return out.withColumn("is_business_day", dayofweek(col("date")).between(2, 6));
    }

    private static Dataset<Row> addSeries(SilverTables s, Dataset<Row> calendar, String table, String dateCol, String nameCol,
                                          String valueCol, String prefix, List<String> series) {
        if (!s.exists(table)) {
            return calendar;
        }
        Dataset<Row> t = s.table(table);
        List<String> names = t.select(nameCol).distinct().orderBy(nameCol).collectAsList().stream().map(r -> r.getString(0))
                .filter(n -> n != null && ConfigReader.isIdentifier(n.replace(' ', '_'))).toList();
        if (names.isEmpty()) {
            return calendar;
        }
        Dataset<Row> pivot = t.groupBy(col(dateCol).as("date")).pivot(nameCol, new ArrayList<>(names)).agg(avg(valueCol));
        for (String n : names) {
            String column = (prefix + n.replace(' ', '_')).toLowerCase(Locale.ROOT);
            pivot = pivot.withColumnRenamed(n, column);
            series.add(column);
        }
        return calendar.join(pivot, new String[]{"date"}, "left");
    }
}
