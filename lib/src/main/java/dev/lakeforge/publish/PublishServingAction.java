package dev.lakeforge.publish;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import dev.lakeforge.runs.TableAccess;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiConsumer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.to_json;

/**
 * Publishes lakehouse tables to the serving database (SQLite file, PostgreSQL, any JDBC database), one table at a time:
 * the Delta snapshot is streamed into a staging table, its row count checked against the snapshot's, key indexes built,
 * then one transaction swaps it in and rewrites the table's rows of the {@code data_dictionary}. Readers see the complete
 * old table until the commit and the complete new one after it; a load that fails leaves the published table untouched.
 * A table whose source version, columns and descriptions are what was published last is left alone (unless forced).
 *
 * <pre>{@code
 * List<TablePublication> done = new PublishServingAction(lakehouse, settings).run(jobRun).execute();
 * }</pre>
 */
public final class PublishServingAction {
    public static final String DICTIONARY = "data_dictionary";
    public static final String PUBLISHED_TABLES = "published_tables";
    private static final Logger LOG = LoggerFactory.getLogger(PublishServingAction.class);
    private static final StructType DICTIONARY_SCHEMA = new StructType()
            .add("table_name", DataTypes.StringType).add("column_name", DataTypes.StringType).add("ordinal", DataTypes.IntegerType)
            .add("data_type", DataTypes.StringType).add("lakehouse_type", DataTypes.StringType).add("description", DataTypes.StringType)
            .add("table_description", DataTypes.StringType).add("source_table", DataTypes.StringType)
            .add("source_version", DataTypes.LongType).add("source_run_id", DataTypes.StringType).add("row_count", DataTypes.LongType)
            .add("refreshed_at", DataTypes.TimestampType).add("publish_run_id", DataTypes.StringType).add("spec_hash", DataTypes.StringType);

    /** What happened to one table. */
    public enum Status { PUBLISHED, UNCHANGED, SKIPPED, FAILED }

    /**
     * One table's publication.
     *
     * @param sourceVersion Delta version published (-1: none)
     * @param rows          rows in the published table afterwards (the old count when it failed)
     * @param message       why it was skipped or failed
     */
    public record TablePublication(String table, TableName source, long sourceVersion, String sourceRunId, long rows, Status status,
                                   Duration took, String message) {
    }

    private final Lakehouse lakehouse;
    private final PublishSettings settings;
    private final ServingDialect dialect;
    private JobRun run;
    private TableName runsTable = TableName.parse("ops.job_runs");
    private boolean force;
    private Clock clock = Clock.systemUTC();
    private Map<String, Long> versions = Map.of();
    private BiConsumer<String, Long> onRows = (t, n) -> { };
    private java.util.function.Consumer<TablePublication> onTableDone = p -> { };

    public PublishServingAction(Lakehouse lakehouse, PublishSettings settings) {
        this.lakehouse = lakehouse;
        this.settings = settings;
        this.dialect = ServingDialect.of(settings.serving());
    }

    /** The job run that publishes (its id goes into the dictionary; tables it wrote name it as their source run). */
    public PublishServingAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public PublishServingAction runsTable(String table) {
        this.runsTable = TableName.parse(table);
        return this;
    }

    /** Publish even tables whose source version and description were published already. */
    public PublishServingAction force(boolean force) {
        this.force = force;
        return this;
    }

    public PublishServingAction clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** Publish these Delta versions (by source table name) instead of the newest, e.g. the ones the catalog step ended at. */
    public PublishServingAction versions(Map<String, Long> versions) {
        this.versions = Map.copyOf(versions);
        return this;
    }

    /** Called while a table loads: table name, rows so far. An exception thrown here fails that table's load. */
    public PublishServingAction onRows(BiConsumer<String, Long> onRows) {
        this.onRows = onRows;
        return this;
    }

    public PublishServingAction onTableDone(java.util.function.Consumer<TablePublication> onTableDone) {
        this.onTableDone = onTableDone;
        return this;
    }

    public ServingDialect dialect() {
        return dialect;
    }

    /** Opens a connection to the serving database with the writer account (password from the environment only). */
    public static Connection connect(dev.lakeforge.config.ServingSettings s) throws SQLException {
        if (s.isSqlite()) {
            String file = s.url().substring("jdbc:sqlite:".length());
            int q = file.indexOf('?');
            java.io.File parent = new java.io.File(q < 0 ? file : file.substring(0, q)).getAbsoluteFile().getParentFile();
            if (parent != null && !file.startsWith(":memory:")) {
                parent.mkdirs();
            }
        }
        loadDriver(s.url());
        Properties p = new Properties();
        if (!s.user().isEmpty()) {
            p.setProperty("user", s.user());
        }
        s.password().ifPresent(pw -> p.setProperty("password", pw));
        return DriverManager.getConnection(s.url(), p);
    }

    private static void loadDriver(String url) {
        // the runnable jar merges no META-INF/services: name the drivers we ship
        String driver = url.startsWith("jdbc:sqlite:") ? "org.sqlite.JDBC" : url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : null;
        if (driver != null) {
            try {
                Class.forName(driver);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("JDBC driver " + driver + " is not on the class path", e);
            }
        }
    }

    public List<TablePublication> execute() {
        List<TablePublication> out = new ArrayList<>();
        String publishRun = run == null ? "manual-" + UUID.randomUUID() : run.runId();
        try (Connection c = connect(settings.serving())) {
            dialect.prepare(c);
            ensureDictionary(c);
            for (PublishSettings.PublishedTableSpec t : settings.tables()) {
                TablePublication p = publishOne(c, t, publishRun);
                out.add(p);
                onTableDone.accept(p);
                if (p.status() == Status.FAILED && !isValid(c)) {
                    List<String> published = out.stream().filter(x -> x.status() == Status.PUBLISHED).map(TablePublication::table).toList();
                    throw new PublishException("serving database " + settings.serving().redactedUrl() + " went away while " + t.name()
                            + " was loading (" + p.message() + "). " + t.name() + " and every table not published yet are as they were"
                            + (published.isEmpty() ? "" : "; published before it in this run: " + published)
                            + ". Run publish again once the database is back.");
                }
            }
            replaceViews(c);
        } catch (SQLException e) {
            throw new PublishException("serving database " + settings.serving().redactedUrl() + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean isValid(Connection c) {
        try {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private void ensureDictionary(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(dialect.createTable(dialect.published(DICTIONARY), DICTIONARY_SCHEMA).replaceFirst("^CREATE TABLE ", "CREATE TABLE IF NOT EXISTS "));
        }
        dialect.grantRead(c, dialect.published(DICTIONARY));
    }

    private void replaceViews(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try {
            dialect.replaceView(c, PUBLISHED_TABLES, "SELECT DISTINCT table_name, table_description, source_table, source_version, source_run_id,"
                    + " row_count, refreshed_at, publish_run_id FROM " + ServingDialect.quote(DICTIONARY));
            for (PublishSettings.ViewSpec v : settings.views()) {
                List<String> missing = new ArrayList<>();
                for (String t : v.tables()) {
                    if (!dialect.exists(c, t)) {
                        missing.add(t);
                    }
                }
                if (missing.isEmpty()) {
                    dialect.replaceView(c, v.name(), v.sql());
                } else {
                    LOG.info("View {} left out: tables {} are not published", v.name(), missing);
                }
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw new PublishException("creating the views " + settings.views().stream().map(PublishSettings.ViewSpec::name).toList()
                    + ": " + e.getMessage(), e);
        } finally {
            c.setAutoCommit(true);
        }
    }

    private TablePublication publishOne(Connection c, PublishSettings.PublishedTableSpec t, String publishRun) {
        Instant start = clock.instant();
        long before = -1;
        try {
            if (!lakehouse.exists(t.source())) {
                String why = "source table " + t.source() + " does not exist (has its job run?)";
                if (t.optional()) {
                    return new TablePublication(t.name(), t.source(), -1, null, -1, Status.SKIPPED, Duration.between(start, clock.instant()), why);
                }
                throw new PublishException(why);
            }
            long version = Optional.ofNullable(versions.get(t.source().toString()))
                    .orElseGet(() -> lakehouse.version(t.source()).orElseThrow());
            Dataset<Row> data = lakehouse.readAsOf(t.source(), version);
            StructType schema = data.schema();
            checkColumns(t, schema);
            String hash = specHash(t, schema);
            String sourceRun = sourceRunId(t.source(), version);
            before = dialect.exists(c, t.name()) ? dialect.count(c, dialect.published(t.name())) : -1;
            Optional<Published> last = lastPublished(c, t.name());
            if (!force && before >= 0 && last.isPresent() && last.get().matches(t.source().toString(), version, hash, before)) {
                return new TablePublication(t.name(), t.source(), version, last.get().sourceRunId, before, Status.UNCHANGED,
                        Duration.between(start, clock.instant()), "version " + version + " is published already");
            }
            long expected = data.count();
            String generation = UUID.randomUUID().toString().substring(0, 8);
            dialect.dropStaging(c, t.name());
            try (Statement s = c.createStatement()) {
                s.execute(dialect.createTable(dialect.staging(t.name()), schema));
            }
            LOG.info("Publishing {} (version {}, {} rows) to {} table {}", t.source(), version, expected, dialect.name(), t.name());
            long loaded;
            try {
                loaded = dialect.load(c, dialect.staging(t.name()), schema, rows(data).toLocalIterator(), settings.batchSize(),
                        n -> onRows.accept(t.name(), n));
                long staged = dialect.count(c, dialect.staging(t.name()));
                if (staged != expected || loaded != expected) {
                    throw new PublishException("the staged copy of " + t.name() + " holds " + staged + " rows, the source " + t.source() + "@v"
                            + version + " " + expected + ": not swapped in");
                }
                if (!t.keys().isEmpty()) {
                    try (Statement s = c.createStatement()) {
                        s.execute(dialect.createIndex(t.name(), generation, t.keys()));
                    }
                }
                dialect.describe(c, dialect.staging(t.name()), t.description(), t.columns());
                dev.lakeforge.runs.CrashPoints.reach(dev.lakeforge.runs.CrashPoints.PUBLISH_STAGED);
                swap(c, t, schema, version, sourceRun, expected, publishRun, hash, generation);
            } catch (SQLException | RuntimeException e) {
                try {
                    dialect.dropStaging(c, t.name());
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return new TablePublication(t.name(), t.source(), version, sourceRun, expected, Status.PUBLISHED,
                    Duration.between(start, clock.instant()), "");
        } catch (SQLException | RuntimeException e) {
            LOG.error("Publishing {} failed; the published table is unchanged: {}", t.name(), e.getMessage());
            return new TablePublication(t.name(), t.source(), -1, null, before, Status.FAILED, Duration.between(start, clock.instant()),
                    e.getMessage());
        }
    }

    private void swap(Connection c, PublishSettings.PublishedTableSpec t, StructType schema, long version, String sourceRun, long rows,
                      String publishRun, String hash, String generation) throws SQLException {
        c.setAutoCommit(false);
        try {
            dialect.swap(c, t.name(), generation);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + dialect.published(DICTIONARY) + " WHERE table_name = ?")) {
                del.setString(1, t.name());
                del.executeUpdate();
            }
            Instant now = clock.instant();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + dialect.published(DICTIONARY) + " VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(DICTIONARY_SCHEMA.size(), "?")) + ")")) {
                StructField[] f = schema.fields();
                for (int i = 0; i < f.length; i++) {
                    Object[] v = {t.name(), f[i].name(), i + 1, dialect.sqlType(f[i].dataType()), f[i].dataType().simpleString(),
                            t.columns().getOrDefault(f[i].name(), ""), t.description(), t.source().toString(), version, sourceRun, rows,
                            java.sql.Timestamp.from(now), publishRun, hash};
                    for (int j = 0; j < v.length; j++) {
                        dialect.bind(ins, j + 1, DICTIONARY_SCHEMA.fields()[j].dataType(), v[j]);
                    }
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Complex columns become JSON text; everything else travels as it is. */
    private static Dataset<Row> rows(Dataset<Row> data) {
        List<Column> cols = new ArrayList<>();
        for (StructField f : data.schema().fields()) {
            Column c = col("`" + f.name() + "`");
            cols.add(ServingDialect.isComplex(f.dataType()) ? to_json(c).as(f.name()) : c);
        }
        return data.select(cols.toArray(Column[]::new));
    }

    private static void checkColumns(PublishSettings.PublishedTableSpec t, StructType schema) {
        List<String> names = List.of(schema.fieldNames());
        for (String n : names) {
            if (!n.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
                throw new PublishException("column '" + n + "' of " + t.source() + " is not a plain identifier; the serving database"
                        + " takes letters, digits and _ only");
            }
        }
        List<String> unknown = t.columns().keySet().stream().filter(c -> !names.contains(c)).toList();
        List<String> unknownKeys = t.keys().stream().filter(c -> !names.contains(c)).toList();
        if (!unknown.isEmpty() || !unknownKeys.isEmpty()) {
            throw new PublishException("lakeforge.publish.tables." + t.name() + " describes " + (unknown.isEmpty() ? "" : "columns " + unknown)
                    + (unknownKeys.isEmpty() ? "" : (unknown.isEmpty() ? "" : " and ") + "keys " + unknownKeys) + " that " + t.source()
                    + " does not have; it has " + names);
        }
        List<String> undocumented = names.stream().filter(n -> !t.columns().containsKey(n)).toList();
        if (!undocumented.isEmpty()) {
            LOG.warn("{}: columns without a description in lakeforge.publish.tables.{}.columns: {}", t.source(), t.name(), undocumented);
        }
    }

    private String specHash(PublishSettings.PublishedTableSpec t, StructType schema) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((dialect.name() + "\n" + t.description() + "\n" + t.columns() + "\n" + t.keys() + "\n" + schema.json())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Published(String sourceTable, long sourceVersion, String sourceRunId, String specHash, long rows) {
        boolean matches(String table, long version, String hash, long publishedRows) {
            return sourceTable.equals(table) && sourceVersion == version && specHash.equals(hash) && rows == publishedRows;
        }
    }

    private Optional<Published> lastPublished(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT source_table, source_version, source_run_id, spec_hash, row_count FROM "
                + dialect.published(DICTIONARY) + " WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Published(rs.getString(1), rs.getLong(2), rs.getString(3), Objects.toString(rs.getString(4), ""),
                        rs.getLong(5))) : Optional.empty();
            }
        }
    }

    /** The run that wrote the table's data last at or before this version: this run, else the newest such run on record. */
    private String sourceRunId(TableName table, long version) {
        String name = table.toString();
        if (run != null) {
            for (TableAccess a : run.tables()) {
                if (a.access() == TableAccess.Access.WRITE && a.table().equals(name) && a.version() <= version) {
                    return run.runId();
                }
            }
        }
        if (!lakehouse.exists(runsTable)) {
            return null;
        }
        List<Row> rows = lakehouse.read(runsTable).select(col("run_id"), col("started_at"), explode(col("tables")).as("t"))
                .where(col("t.table").equalTo(name).and(col("t.access").equalTo("WRITE")).and(col("t.version").leq(version)))
                .orderBy(col("t.version").desc(), col("started_at").desc()).limit(1).collectAsList();
        return rows.isEmpty() ? null : rows.get(0).getString(0);
    }
}
