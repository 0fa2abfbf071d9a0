package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.RunRecordStore;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show rows of a lakehouse table — now, as of an earlier run (the version that run wrote or read), or as of a Delta version.")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Option(names = "--table", required = true, paramLabel = "LAYER.TABLE", description = "e.g. gold.sales_daily")
    String table;

    @Option(names = "--as-of-run", paramLabel = "RUN_ID", description = "Read the table as the given run left it.")
    String asOfRun;

    @Option(names = "--delta-version", paramLabel = "N", description = "Read the table at this Delta version.")
    Long version;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Rows to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--count", description = "Print only the row count.")
    boolean countOnly;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        TableName name = TableName.parse(table);
        if (asOfRun != null && version != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Give either --as-of-run or --delta-version, not both");
        }
        LoadedConfig loaded = globals.load();
        Lakehouse lake = Lakehouse.of(SparkSessionFactory.create(loaded.config()), loaded.config());
        Long v = version;
        if (asOfRun != null) {
            RunRecordStore runs = RunRecordStore.of(lake, loaded.config());
            Row run = runs.byId(asOfRun).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "No run " + asOfRun + " in " + loaded.config().runs().table() + " (see `lakeforge runs`)"));
            Map<String, Long> written = runs.versionsWritten(run);
            v = written.get(name.toString());
            if (v == null) {
                v = runs.versionsRead(run).get(name.toString());
            }
            if (v == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Run " + asOfRun + " neither wrote nor read " + name
                        + "; tables it touched: " + written.keySet());
            }
        }
        Dataset<Row> df = v == null ? lake.read(name) : lake.readAsOf(name, v);
        String at = v == null ? "current version " + lake.version(name).orElse(-1L) : "version " + v;
        if (countOnly) {
            System.out.println(df.count());
            return 0;
        }
        System.out.println(name + " (" + at + ")");
        System.out.flush();
        df.show(limit, 40, false);
        return 0;
    }
}
