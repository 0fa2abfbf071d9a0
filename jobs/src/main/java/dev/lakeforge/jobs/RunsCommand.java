package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.runs.RunRecordStore;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "List recent job runs from the run records table (newest first).")
final class RunsCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Option(names = "--limit", paramLabel = "N", description = "How many runs to list (default: runs.list-limit).")
    Integer limit;

    @Option(names = "--job", paramLabel = "NAME", description = "Only runs of this job.")
    String job;

    @Override
    public Integer call() {
        LoadedConfig loaded = globals.load();
        SparkSession spark = SparkSessionFactory.create(loaded.config());
        RunRecordStore store = RunRecordStore.of(Lakehouse.of(spark, loaded.config()), loaded.config());
        List<Row> runs = store.recent(limit != null ? limit : loaded.config().runs().listLimit(), Optional.ofNullable(job));
        if (runs.isEmpty()) {
            System.out.println("No runs recorded yet in " + store.table() + ".");
            return 0;
        }
        System.out.printf(Locale.ROOT, "%-44s %-10s %-10s %-19s %9s %-9s %s%n", "run id", "job", "run date", "started (UTC)",
                "seconds", "status", "error");
        for (Row r : runs) {
            String error = r.<String>getAs("error_message");
            System.out.printf(Locale.ROOT, "%-44s %-10s %-10s %-19s %9.1f %-9s %s%n", r.<String>getAs("run_id"), r.<String>getAs("job"),
                    r.getAs("run_date"), r.getAs("started_at").toString().substring(0, 19),
                    r.<Long>getAs("duration_ms") / 1000.0, r.<String>getAs("status"),
                    error == null ? "" : error.length() > 120 ? error.substring(0, 117) + "..." : error);
        }
        return 0;
    }
}
