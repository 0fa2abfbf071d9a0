package dev.lakeforge.marts;

import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.ResultTable;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import dev.lakeforge.runs.RunRecordStore;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;

/**
 * Builds the gold business and feature tables from silver for a run date:
 * {@code sales_daily} incrementally (only the order dates whose orders or lines changed since it was last built,
 * through Delta's change data feed and {@code replaceWhere}), the others by overwrite (they are small or depend on
 * the whole history: features, weekly demand with lags, interactions, market calendar).
 */
public final class BuildMartsAction {
    public static final TableName SALES_DAILY = TableName.of("gold", "sales_daily");
    public static final TableName CUSTOMER_FEATURES = TableName.of("gold", "customer_features");
    public static final TableName PRODUCT_DEMAND_WEEKLY = TableName.of("gold", "product_demand_weekly");
    public static final TableName INTERACTIONS = TableName.of("gold", "interactions");
    public static final TableName MARKET_DAILY = TableName.of("gold", "market_daily");
    static final List<String> REQUIRED = List.of("sales_orders", "order_lines", "products", "customers", "interactions");
    private static final int MAX_INCREMENTAL_DATES = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(BuildMartsAction.class);

    private final Lakehouse lakehouse;
    private LocalDate runDate;
    private JobRun run;
    private RunRecordStore runRecords;

    public BuildMartsAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public BuildMartsAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public BuildMartsAction run(JobRun run) {
        this.run = run;
        return this;
    }

    /**
     * The run records to read silver as of the run date from: when runs for later dates already changed silver (a
     * backfill or a re-run of an earlier date), the marts read each silver table at its last version before them, so
     * gold is rebuilt as it was for that date. Without it the marts read the latest silver.
     */
    public BuildMartsAction runRecords(RunRecordStore runRecords) {
        this.runRecords = runRecords;
        return this;
    }

    /**
     * What each gold table is, over the latest silver: the marts' queries without their bookkeeping (incremental
     * dates, watermarks, lineage, run records) — for notebooks and for the benchmark's plain-Spark baseline.
     */
    public static Map<TableName, Dataset<Row>> definitions(Lakehouse lakehouse, LocalDate runDate) {
        SilverTables silver = new SilverTables(lakehouse, runDate, Map.of());
        Map<TableName, Dataset<Row>> out = new LinkedHashMap<>();
        out.put(SALES_DAILY, SalesDailyMart.build(silver.fresh(), null));
        out.put(CUSTOMER_FEATURES, CustomerFeaturesMart.build(silver.fresh()));
        out.put(PRODUCT_DEMAND_WEEKLY, ProductDemandWeeklyMart.build(silver.fresh()));
        out.put(INTERACTIONS, InteractionsMart.build(silver.fresh()));
        out.put(MARKET_DAILY, MarketDailyMart.build(silver.fresh()));
        return out;
    }

    public List<MartResult> execute() {
        Map<String, Long> pinned = runRecords == null ? Map.of()
                : runRecords.versionsBeforeLaterRuns(runDate, "silver.", Set.of("maintain"));
        if (!pinned.isEmpty()) {
            LOG.info("Runs for dates after {} already changed silver: reading it as it stood for {}: {}", runDate, runDate, pinned);
        }
        SilverTables silver = new SilverTables(lakehouse, runDate, pinned);
        List<String> missing = REQUIRED.stream().filter(t -> !silver.exists(t)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Gold tables need silver tables " + missing + ", which do not exist yet: run ingest and refine first");
        }
        List<MartResult> results = new ArrayList<>();
        Map<String, Map<String, Long>> lineage = new LinkedHashMap<>();
        results.add(salesDaily(silver.fresh(), lineage));
        dev.lakeforge.runs.CrashPoints.reach(dev.lakeforge.runs.CrashPoints.MARTS_TABLE_WRITTEN); // before the mart watermarks move
        results.add(overwrite(CUSTOMER_FEATURES, silver.fresh(), CustomerFeaturesMart::build, lineage));
        results.add(overwrite(PRODUCT_DEMAND_WEEKLY, silver.fresh(), ProductDemandWeeklyMart::build, lineage));
        results.add(overwrite(INTERACTIONS, silver.fresh(), InteractionsMart::build, lineage));
        results.add(overwrite(MARKET_DAILY, silver.fresh(), MarketDailyMart::build, lineage));
        new MartWatermarks(lakehouse).record(lineage, run.runId());
        return results;
    }

    private MartResult overwrite(TableName table, SilverTables silver, Function<SilverTables, Dataset<Row>> build,
                                 Map<String, Map<String, Long>> lineage) {
        LOG.info("Building {}", table);
        Dataset<Row> df = build.apply(silver);
        lineage.put(table.toString(), silver.used());
        ResultTable.Written w = ResultTable.of(lakehouse, table).write(df, run);
        return new MartResult(table.toString(), "overwrite", w.rows(), w.version());
    }

    private MartResult salesDaily(SilverTables silver, Map<String, Map<String, Long>> lineage) {
        String mart = SALES_DAILY.toString();
        MartWatermarks marks = new MartWatermarks(lakehouse);
        TableName lines = TableName.of("silver", "order_lines");
        TableName orders = TableName.of("silver", "sales_orders");
        TableName products = TableName.of("silver", "products");
        Map<String, Long> now = new LinkedHashMap<>();
        boolean pinned = false;
        for (TableName t : List.of(lines, orders, products)) {
            now.put(t.toString(), silver.version(t));
            pinned |= silver.isPinned(t);
        }
        long lastLines = marks.last(mart, lines.toString());
        long lastOrders = marks.last(mart, orders.toString());
        long lastProducts = marks.last(mart, products.toString());
        boolean rebuild = pinned || !lakehouse.exists(SALES_DAILY) || lastLines < 0 || lastOrders < 0 || lastProducts != now.get(products.toString());
        List<Date> dates = null;
        if (!rebuild) {
            dates = changedOrderDates(lines, lastLines, now.get(lines.toString()), orders, lastOrders, now.get(orders.toString()));
            if (dates != null && dates.size() > MAX_INCREMENTAL_DATES) {
                rebuild = true;
            }
        }
        long version;
        long rows;
        if (rebuild) {
            LOG.info("Building {} from all of silver", SALES_DAILY);
            Dataset<Row> df = SalesDailyMart.build(silver, null);
            ConflictRetry.run(lakehouse.retry(), "overwrite " + SALES_DAILY, () -> df.write().format("delta").mode("overwrite")
                    .option("overwriteSchema", "true").save(lakehouse.path(SALES_DAILY)));
            version = lakehouse.version(SALES_DAILY).orElseThrow();
            rows = lakehouse.read(SALES_DAILY).count();
        } else if (dates.isEmpty()) {
            LOG.info("{}: no order or line changed since it was built; unchanged", SALES_DAILY);
            version = lakehouse.version(SALES_DAILY).orElseThrow();
            rows = 0;
        } else {
            String predicate = "order_date IN (" + dates.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", ")) + ")";
            LOG.info("{}: rebuilding {} order date(s) whose orders or lines changed", SALES_DAILY, dates.size());
            Dataset<Row> df = SalesDailyMart.build(silver, dates);
            ConflictRetry.run(lakehouse.retry(), "replace dates in " + SALES_DAILY, () -> df.write().format("delta").mode("overwrite")
                    .option("replaceWhere", predicate).save(lakehouse.path(SALES_DAILY)));
            version = lakehouse.version(SALES_DAILY).orElseThrow();
            rows = df.count();
        }
        if (rebuild || !dates.isEmpty()) {
            lineage.put(mart, now);
        }
        run.wrote(mart, version, lakehouse.read(SALES_DAILY).count());
        return new MartResult(mart, rebuild ? "overwrite" : "replace-where", rows, version);
    }

    /** Order dates touched by changes to orders or lines between the versions (via the change data feed). */
    private List<Date> changedOrderDates(TableName lines, long linesFrom, long linesTo, TableName orders, long ordersFrom, long ordersTo) {
        Dataset<Row> orderDates = null;
        if (ordersTo > ordersFrom) {
            orderDates = changes(orders, ordersFrom + 1, ordersTo).select("order_date");
        }
        if (linesTo > linesFrom) {
            Dataset<Row> changedOrders = changes(lines, linesFrom + 1, linesTo).select("order_id").distinct();
            Dataset<Row> viaLines = lakehouse.read(orders).join(changedOrders, "order_id").select("order_date");
            orderDates = orderDates == null ? viaLines : orderDates.unionByName(viaLines);
        }
        if (orderDates == null) {
            return List.of();
        }
        return orderDates.where(col("order_date").isNotNull()).distinct().limit(MAX_INCREMENTAL_DATES + 1).collectAsList().stream()
                .map(r -> r.getDate(0)).sorted().toList();
    }

    private Dataset<Row> changes(TableName table, long from, long to) {
        return lakehouse.spark().read().format("delta").option("readChangeFeed", "true").option("startingVersion", from)
                .option("endingVersion", to).load(lakehouse.path(table));
    }
}
