package dev.lakeforge.publish;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ad-hoc, read-only Spark SQL over the catalog and the lakehouse ({@code lakeforge sql}): {@code gold.sales_daily} is
 * the catalog table; any other {@code layer.table} of the lakehouse ({@code silver.customers}, {@code ops.job_runs}, …)
 * is registered in the catalog as an external Delta table on first use. Only queries run (SELECT, WITH, SHOW, DESCRIBE,
 * EXPLAIN); statements that change tables or the catalog are refused before anything runs. At most {@code limit} rows
 * come back, and the result says whether there were more.
 */
public final class SqlQueryAction {
    private static final Logger LOG = LoggerFactory.getLogger(SqlQueryAction.class);
    public static final int MAX_LIMIT = 1_000_000;
    private static final Pattern MISSING = Pattern.compile("`?([A-Za-z_][A-Za-z0-9_]*)`?\\.`?([A-Za-z_][A-Za-z0-9_]*)`?");

    /** Column names and types, the rows (at most the limit) and whether the query had more. */
    public record Result(StructType schema, List<Row> rows, boolean truncated) {
    }

    private final Lakehouse lakehouse;
    private String sql;
    private int limit = 100;

    public SqlQueryAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public SqlQueryAction sql(String sql) {
        this.sql = sql == null ? "" : sql.strip();
        while (this.sql.endsWith(";")) {
            this.sql = this.sql.substring(0, this.sql.length() - 1).strip();
        }
        return this;
    }

    public SqlQueryAction limit(int limit) {
        this.limit = checkLimit(limit);
        return this;
    }

    /** The limit if it is one {@link #limit} takes (1 to {@link #MAX_LIMIT}), else IllegalArgumentException saying so. */
    public static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + ": expected 1 to " + MAX_LIMIT);
        }
        return limit;
    }

    public Result execute() {
        if (sql == null || sql.isEmpty()) {
            throw new IllegalArgumentException("no SQL given");
        }
        LogicalPlan plan;
        try {
            plan = lakehouse.spark().sessionState().sqlParser().parsePlan(sql);
        } catch (ParseException e) {
            throw new IllegalArgumentException("SQL syntax error: " + e.getMessage(), e);
        }
        String kind = plan.getClass().getSimpleName();
        if (!readOnly(plan)) {
            throw new IllegalArgumentException("lakeforge sql runs queries only (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN); this is "
                    + kind + ". Tables change through the jobs (ingest, refine, marts, …), never through ad-hoc SQL.");
        }
        List<String> registered = new ArrayList<>();
        // lakehouse tables the text names (DESCRIBE HISTORY, VERSION AS OF and friends need them in the catalog up front)
        Matcher named = MISSING.matcher(sql);
        while (named.find()) {
            TableName t = tableName(named.group(1), named.group(2));
            if (t != null && !registered.contains(t.toString()) && lakehouse.exists(t)
                    && !lakehouse.spark().catalog().tableExists(t.layer(), t.table())) {
                register(t);
                registered.add(t.toString());
            }
        }
        for (int attempt = 0; ; attempt++) {
            try {
                Dataset<Row> df = lakehouse.spark().sql(sql);
                List<Row> rows = df.limit(limit + 1).collectAsList();
                boolean more = rows.size() > limit;
                return new Result(df.schema(), more ? List.copyOf(rows.subList(0, limit)) : rows, more);
            } catch (Exception e) {
                AnalysisException ae = e instanceof AnalysisException a ? a : null;
                if (ae == null) {
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
                TableName missing = "TABLE_OR_VIEW_NOT_FOUND".equals(ae.getCondition()) && attempt < 20 ? missing(ae) : null;
                if (missing == null || !lakehouse.exists(missing) || registered.contains(missing.toString())) {
                    // the query's own mistake (unknown column or table, wrong types): the analyser's message says which
                    throw new IllegalArgumentException(ae.getMessage(), ae);
                }
                register(missing);
                registered.add(missing.toString());
            }
        }
    }

    private static boolean readOnly(LogicalPlan plan) {
        String kind = plan.getClass().getSimpleName();
        if (plan instanceof Command) {
            return kind.startsWith("Show") || kind.startsWith("Describe") || kind.startsWith("Explain");
        }
        for (Class<?> c = plan.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getSimpleName().equals("ParsedStatement") || i.getSimpleName().equals("Command")) {
                    return false;
                }
            }
            if (c.getSimpleName().equals("ParsedStatement")) {
                return false;
            }
        }
        return !kind.startsWith("Insert") && !kind.startsWith("Create") && !kind.startsWith("Drop") && !kind.startsWith("Alter");
    }

    private static TableName missing(AnalysisException e) {
        Map<String, String> params = e.getMessageParameters();
        String name = params == null ? null : params.get("relationName");
        if (name == null) {
            return null;
        }
        Matcher m = MISSING.matcher(name);
        if (!m.matches()) {
            return null;
        }
        return tableName(m.group(1), m.group(2));
    }

    private static TableName tableName(String layer, String table) {
        try {
            return TableName.of(layer.toLowerCase(Locale.ROOT), table.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException bad) {
            return null;
        }
    }

    private void register(TableName t) {
        LOG.info("Registering lakehouse table {} in the catalog (external Delta table at {})", t, lakehouse.path(t));
        lakehouse.spark().sql("CREATE DATABASE IF NOT EXISTS `" + t.layer() + "`");
        lakehouse.spark().sql("CREATE TABLE IF NOT EXISTS `" + t.layer() + "`.`" + t.table() + "` USING DELTA LOCATION '"
                + RegisterCatalogAction.literal(lakehouse.path(t)) + "'");
    }
}
