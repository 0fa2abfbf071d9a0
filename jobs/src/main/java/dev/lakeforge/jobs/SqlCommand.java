package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.publish.SqlQueryAction;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run a read-only Spark SQL query over the catalog (gold.*) and the lakehouse (any layer.table, e.g. silver.customers,"
                + " ops.job_runs) and print at most --limit rows as a table, CSV or JSON lines. Only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN run.")
final class SqlCommand implements Callable<Integer> {
    enum Format { table, csv, json }

    @Mixin
    GlobalOptions globals;

    @Parameters(index = "0", paramLabel = "SQL", description = "The query, e.g. \"SELECT * FROM gold.sales_daily ORDER BY order_date DESC\".")
    String sql;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (one JSON object per line; default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "At most this many rows (1 to 1000000; default: ${DEFAULT-VALUE}).")
    int limit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            SqlQueryAction.checkLimit(limit);  // before Spark starts
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        if (sql == null || sql.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no SQL given");
        }
        LoadedConfig loaded = globals.load();
        Lakehouse lake = Lakehouse.of(SparkSessionFactory.create(loaded.config()), loaded.config());
        SqlQueryAction.Result r;
        try {
            r = new SqlQueryAction(lake).sql(sql).limit(limit).execute();
        } catch (IllegalArgumentException e) {
            System.err.println("lakeforge sql: " + e.getMessage());
            return 2;
        }
        print(r, format, System.out);
        if (r.truncated()) {
            System.err.println("(more rows than --limit " + limit + "; only the first " + limit + " shown)");
        }
        return 0;
    }

    static void print(SqlQueryAction.Result r, Format format, PrintStream out) {
        String[] names = r.schema().fieldNames();
        switch (format) {
            case json -> r.rows().forEach(row -> out.println(row.json()));
            case csv -> {
                out.println(String.join(",", java.util.Arrays.stream(names).map(SqlCommand::csv).toList()));
                for (Row row : r.rows()) {
                    List<String> cells = new ArrayList<>();
                    for (int i = 0; i < names.length; i++) {
                        cells.add(row.isNullAt(i) ? "" : csv(String.valueOf(row.get(i))));
                    }
                    out.println(String.join(",", cells));
                }
            }
            case table -> {
                int[] w = new int[names.length];
                List<String[]> cells = new ArrayList<>();
                for (Row row : r.rows()) {
                    String[] c = new String[names.length];
                    for (int i = 0; i < names.length; i++) {
                        String v = row.isNullAt(i) ? "NULL" : String.valueOf(row.get(i)).replace('\n', ' ');
                        c[i] = v.length() > 60 ? v.substring(0, 57) + "..." : v;
                    }
                    cells.add(c);
                }
                for (int i = 0; i < names.length; i++) {
                    w[i] = names[i].length();
                    for (String[] c : cells) {
                        w[i] = Math.max(w[i], c[i].length());
                    }
                }
                StructField[] f = r.schema().fields();
                out.println(line(names, w, f));
                StringBuilder sep = new StringBuilder();
                for (int i = 0; i < w.length; i++) {
                    sep.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
                }
                out.println(sep);
                cells.forEach(c -> out.println(line(c, w, f)));
                out.printf(Locale.ROOT, "(%d row%s)%n", cells.size(), cells.size() == 1 ? "" : "s");
            }
        }
    }

    private static String line(String[] v, int[] w, StructField[] f) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            boolean numeric = f[i].dataType() instanceof org.apache.spark.sql.types.NumericType;
            String cell = numeric ? " ".repeat(w[i] - v[i].length()) + v[i] : v[i] + " ".repeat(w[i] - v[i].length());
            sb.append(i == 0 ? "" : " | ").append(cell);
        }
        return sb.toString().stripTrailing();
    }

    private static String csv(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
