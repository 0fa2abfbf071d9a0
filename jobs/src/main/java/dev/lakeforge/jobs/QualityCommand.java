package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.quality.QualityResults;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;

@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Report the data quality checks of a table: every check of its latest (or a given) run with counts, and the"
                + " reasons its quarantined rows were refused.")
final class QualityCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Option(names = "--table", required = true, paramLabel = "LAYER.TABLE", description = "e.g. silver.order_lines")
    String table;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Results of this run (default: the latest run that checked the table).")
    String runId;

    @Override
    public Integer call() {
        TableName name = TableName.parse(table);
        LoadedConfig loaded = globals.load();
        Lakehouse lake = Lakehouse.of(SparkSessionFactory.create(loaded.config()), loaded.config());
        List<Row> rows = new QualityResults(lake).latest(name.toString(), Optional.ofNullable(runId));
        if (rows.isEmpty()) {
            System.out.println("No quality results for " + name + (runId == null ? "" : " in run " + runId) + ".");
            return 0;
        }
        Row first = rows.get(0);
        System.out.println("Quality of " + name + " — run " + first.getAs("run_id") + ", run date " + first.getAs("run_date"));
        System.out.printf(Locale.ROOT, "%-6s %-38s %-12s %-11s %10s %10s  %s%n", "status", "check", "kind", "action", "failed", "of", "details");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-6s %-38s %-12s %-11s %,10d %,10d  %s%n", r.<Boolean>getAs("passed") ? "ok" : "FAILED",
                    r.getAs("check"), r.getAs("kind"), r.getAs("action"), r.<Long>getAs("failed_rows"), r.<Long>getAs("total_rows"),
                    r.getAs("details") == null ? "" : r.getAs("details"));
        }
        TableName quarantine = TableName.of("quarantine", name.table());
        if ("silver".equals(name.layer()) && lake.exists(quarantine)) {
            System.out.println();
            System.out.println("Quarantined rows in " + quarantine + " by reason (all runs):");
            lake.read(quarantine).select(org.apache.spark.sql.functions.explode(col("_reasons")).as("reason"))
                    .withColumn("reason", org.apache.spark.sql.functions.regexp_extract(col("reason"), "^([a-z_]+:[A-Za-z0-9_]+)", 1))
                    .groupBy("reason").agg(count(org.apache.spark.sql.functions.lit(1)).as("rows")).orderBy(desc("rows"))
                    .collectAsList().forEach(r -> System.out.printf(Locale.ROOT, "  %-50s %,10d%n", r.getString(0), r.getLong(1)));
        }
        return 0;
    }
}
