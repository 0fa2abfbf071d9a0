package dev.lakeforge.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run a read-only Spark SQL query over the catalog (gold.*) and the lakehouse (any layer.table, e.g. silver.customers,"
                + " ops.job_runs) and print at most --limit rows as a table, CSV or JSON lines. Only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN run."
                + " With --session, answer many queries from one Spark session (what the notebooks use).")
final class SqlCommand implements Callable<Integer> {
    enum Format { table, csv, json }

    @Mixin
    GlobalOptions globals;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SQL",
            description = "The query, e.g. \"SELECT * FROM gold.sales_daily ORDER BY order_date DESC\" (none with --session).")
    String sql;

    @Option(names = "--session", description = "Read one request per line from standard input, as JSON ({\"sql\": \"SELECT …\", \"limit\": 100};"
            + " limit optional, default --limit), and write one response per line to standard output: {\"ok\":true,\"columns\":[…],"
            + "\"rows\":[{…},…],\"truncated\":false}, or {\"ok\":false,\"error\":\"…\"} for a query that cannot run, until the input"
            + " ends. Spark starts once, so every query after the first answers in about a second; logs go to standard error.")
    boolean session;

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
        if (session && sql != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--session reads its queries from standard input: give no SQL argument");
        }
        if (!session && (sql == null || sql.isBlank())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no SQL given");
        }
        LoadedConfig loaded = globals.load();
        Lakehouse lake = Lakehouse.of(SparkSessionFactory.create(loaded.config()), loaded.config());
        if (session) {
            // the responses own standard output: anything else printed there (a library's notice) goes to standard error
            PrintStream responses = System.out;
            System.setOut(System.err);
            try {
                return session(lake, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), responses, limit);
            } finally {
                System.setOut(responses);
            }
        }
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

    /**
     * Answers requests until {@code in} ends: one JSON line in, one JSON line out, flushed at once. A request that is
     * not valid JSON, is not read-only or fails in Spark gets {@code ok:false} with the reason; the session goes on.
     * Returns 0 when the input ended.
     */
    static int session(Lakehouse lake, BufferedReader in, PrintStream out, int defaultLimit) {
        ObjectMapper json = new ObjectMapper();
        long answered = 0;
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                out.println(answer(lake, json, line, defaultLimit));
                out.flush();
                answered++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the session's requests", e);
        }
        System.err.println("lakeforge sql: session ended after " + answered + " request(s)");
        return 0;
    }

    private static String answer(Lakehouse lake, ObjectMapper json, String line, int defaultLimit) {
        String query;
        int limit;
        try {
            JsonNode request = json.readTree(line);
            if (request == null || !request.isObject() || !request.path("sql").isTextual() || request.get("sql").asText().isBlank()) {
                return failure(json, "a request is a JSON object with a non-empty \"sql\" string (and an optional \"limit\"), one per line");
            }
            query = request.get("sql").asText();
            JsonNode l = request.get("limit");
            if (l != null && !l.isNull() && !(l.isIntegralNumber() && l.canConvertToInt())) {
                return failure(json, "\"limit\" must be a whole number from 1 to " + SqlQueryAction.MAX_LIMIT);
            }
            limit = l == null || l.isNull() ? defaultLimit : SqlQueryAction.checkLimit(l.asInt());
        } catch (JsonProcessingException e) {
            return failure(json, "not a JSON request: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            return failure(json, e.getMessage());
        }
        SqlQueryAction.Result r;
        try {
            r = new SqlQueryAction(lake).sql(query).limit(limit).execute();
        } catch (Exception e) { // a query the action refuses, or one Spark cannot analyse or run: the caller reads why
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return failure(json, message);
        }
        try {
            StringBuilder sb = new StringBuilder("{\"ok\":true,\"columns\":").append(json.writeValueAsString(r.schema().fieldNames()))
                    .append(",\"truncated\":").append(r.truncated()).append(",\"rows\":[");
            for (int i = 0; i < r.rows().size(); i++) {
                sb.append(i == 0 ? "" : ",").append(r.rows().get(i).json());
            }
            return sb.append("]}").toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String failure(ObjectMapper json, String message) {
        ObjectNode n = json.createObjectNode();
        n.put("ok", false);
        n.put("error", message);
        return n.toString();
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
