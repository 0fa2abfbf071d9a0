package dev.lakeforge.publish;

import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers the published tables in the metastore database (default {@code gold}) as external Delta tables over their
 * lakehouse folders, with the configured table and column descriptions as comments, so that
 * {@code SELECT … FROM gold.sales_daily} works from any Spark SQL client sharing the metastore. Idempotent: a table
 * already registered at the same location keeps its entry, and comments are only written when they differ (a comment is
 * a Delta metadata commit on the table).
 */
public final class RegisterCatalogAction {
    private static final Logger LOG = LoggerFactory.getLogger(RegisterCatalogAction.class);

    /**
     * One table's registration.
     *
     * @param name     {@code database.table} in the catalog
     * @param created  the catalog entry was created (or re-pointed) now
     * @param comments comments written now (0: they were up to date)
     * @param version  the Delta version after registration
     */
    public record Registration(String name, TableName source, String location, boolean created, int comments, long version, boolean skipped,
                               String message) {
    }

    private final Lakehouse lakehouse;
    private final PublishSettings settings;
    private JobRun run;

    public RegisterCatalogAction(Lakehouse lakehouse, PublishSettings settings) {
        this.lakehouse = lakehouse;
        this.settings = settings;
    }

    public RegisterCatalogAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public List<Registration> execute() {
        SparkSession spark = lakehouse.spark();
        String db = settings.catalogDatabase();
        spark.sql("CREATE DATABASE IF NOT EXISTS `" + db + "` COMMENT 'Lakeforge result tables, published by lakeforge publish'");
        List<Registration> out = new ArrayList<>();
        for (PublishSettings.PublishedTableSpec t : settings.tables()) {
            String name = db + "." + t.name();
            if (!lakehouse.exists(t.source())) {
                if (t.optional()) {
                    out.add(new Registration(name, t.source(), null, false, 0, -1, true, "source table " + t.source() + " does not exist"));
                    continue;
                }
                throw new PublishException("source table " + t.source() + " of " + name + " does not exist (has its job run?)");
            }
            out.add(register(spark, t, db, name));
        }
        return out;
    }

    private Registration register(SparkSession spark, PublishSettings.PublishedTableSpec t, String db, String name) {
        String location = lakehouse.path(t.source());
        String quoted = "`" + db + "`.`" + t.name() + "`";
        boolean created = false;
        if (spark.catalog().tableExists(db, t.name())) {
            String registered = location(spark, quoted);
            if (!normalise(registered).equals(normalise(location))) {
                LOG.info("Catalog table {} points at {}; re-pointing it at {}", name, registered, location);
                spark.sql("DROP TABLE " + quoted); // external: the data stays where it is
                created = true;
            }
        } else {
            created = true;
        }
        if (created) {
            spark.sql("CREATE TABLE " + quoted + " USING DELTA LOCATION '" + literal(location) + "'");
        }
        int comments = 0;
        Row detail = lakehouse.deltaTable(t.source()).detail().select("description").first();
        String current = detail.isNullAt(0) ? "" : detail.getString(0);
        if (!current.equals(t.description())) {
            sqlWithRetry("comment " + name, "COMMENT ON TABLE " + quoted + " IS '" + literal(t.description()) + "'");
            comments++;
        }
        Map<String, String> columnComments = new LinkedHashMap<>();
        for (StructField f : lakehouse.read(t.source()).schema().fields()) {
            String want = t.columns().get(f.name());
            String have = f.getComment().isDefined() ? f.getComment().get() : "";
            if (want != null && !want.equals(have)) {
                columnComments.put(f.name(), want);
            }
        }
        if (columnComments.size() > 1) {
            // one statement, one Delta commit for all columns (Spark 4 takes a list); per column where that is refused
            String all = String.join(", ", columnComments.entrySet().stream()
                    .map(e -> "`" + e.getKey() + "` COMMENT '" + literal(e.getValue()) + "'").toList());
            try {
                sqlWithRetry("comment " + name, "ALTER TABLE " + quoted + " ALTER COLUMN " + all);
                comments += columnComments.size();
                columnComments.clear();
            } catch (RuntimeException e) {
                LOG.info("Column comments of {} one by one ({})", name, e.getMessage().lines().findFirst().orElse(""));
            }
        }
        for (Map.Entry<String, String> e : columnComments.entrySet()) {
            sqlWithRetry("comment " + name + "." + e.getKey(), "ALTER TABLE " + quoted + " ALTER COLUMN `" + e.getKey() + "` COMMENT '"
                    + literal(e.getValue()) + "'");
            comments++;
        }
        if (run != null && comments > 0) {
            run.count("catalog_comments", comments);
        }
        long version = lakehouse.version(t.source()).orElse(-1);
        return new Registration(name, t.source(), location, created, comments, version, false, "");
    }

    private void sqlWithRetry(String what, String sql) {
        ConflictRetry.run(lakehouse.retry(), what, () -> lakehouse.spark().sql(sql));
    }

    private static String location(SparkSession spark, String quoted) {
        for (Row r : spark.sql("DESCRIBE TABLE EXTENDED " + quoted).collectAsList()) {
            if ("Location".equals(r.getString(0))) {
                return r.getString(1);
            }
        }
        return "";
    }

    private static String normalise(String location) {
        String l = location == null ? "" : location.replaceFirst("^file:(//)?", "");
        return l.endsWith("/") ? l.substring(0, l.length() - 1) : l;
    }

    /** A Spark SQL string literal's body: backslashes and single quotes escaped. */
    static String literal(String s) {
        return s.replace("\\", "\\\\").replace("'", "\\'");
    }
}
