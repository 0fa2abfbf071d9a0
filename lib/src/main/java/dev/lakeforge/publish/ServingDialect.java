package dev.lakeforge.publish;

import dev.lakeforge.config.ServingSettings;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * What differs between serving databases: column types, where staging tables live, how rows are loaded, how a staged
 * table replaces the published one in one transaction, and the read-only role. Names reaching here are identifiers
 * already checked by {@link PublishSettings} (letters, digits, {@code _}) and are still quoted.
 */
public abstract class ServingDialect {
    protected final ServingSettings settings;

    protected ServingDialect(ServingSettings settings) {
        this.settings = settings;
    }

    public static ServingDialect of(ServingSettings s) {
        if (s.isSqlite()) {
            return new SqliteDialect(s);
        }
        if (s.url().startsWith("jdbc:postgresql:")) {
            return new PostgresDialect(s);
        }
        return new GenericDialect(s);
    }

    public abstract String name();

    public static String quote(String identifier) {
        if (!dev.lakeforge.config.ConfigReader.isIdentifier(identifier) && !identifier.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("not a plain identifier: " + identifier);
        }
        return "\"" + identifier + "\"";
    }

    /** The published table (schema-qualified where the database has schemas). */
    public abstract String published(String table);

    /** Where a table is loaded before it is swapped in; never visible to the reader role. */
    public abstract String staging(String table);

    /**
     * The database's names for the Spark types ({@code decimal} takes precision and scale as {@code %d}); complex types
     * (arrays, maps, structs) travel as JSON text.
     */
    protected record TypeNames(String integer, String smallint, String bigint, String doubleType, String real, String decimal,
                               String date, String timestamp, String timestampNtz, String bool, String binary, String json, String text) {
    }

    protected abstract TypeNames typeNames();

    /** SQL type of a Spark type. */
    public final String sqlType(DataType t) {
        TypeNames n = typeNames();
        if (t instanceof IntegerType) {
            return n.integer();
        } else if (t instanceof ShortType || t instanceof ByteType) {
            return n.smallint();
        } else if (t instanceof LongType) {
            return n.bigint();
        } else if (t instanceof DoubleType) {
            return n.doubleType();
        } else if (t instanceof FloatType) {
            return n.real();
        } else if (t instanceof DecimalType d) {
            return String.format(java.util.Locale.ROOT, n.decimal(), d.precision(), d.scale());
        } else if (t instanceof DateType) {
            return n.date();
        } else if (t instanceof TimestampType) {
            return n.timestamp();
        } else if (t instanceof TimestampNTZType) {
            return n.timestampNtz();
        } else if (t instanceof BooleanType) {
            return n.bool();
        } else if (t instanceof BinaryType) {
            return n.binary();
        } else if (isComplex(t)) {
            return n.json();
        }
        return n.text();
    }

    /** Schemas, the dictionary table, the reader role and its grants; idempotent. */
    public abstract void prepare(Connection c) throws SQLException;

    /** True when the database has roles ({@link #prepare} creates the reader role and grants). */
    public abstract boolean hasRoles();

    /** Loads rows into the (just created, empty) staging table; returns the rows written. Commits. */
    public long load(Connection c, String staging, StructType schema, Iterator<Row> rows, int batchSize, LongConsumer progress)
            throws SQLException {
        String placeholders = String.join(", ", java.util.Collections.nCopies(schema.fields().length, "?"));
        c.setAutoCommit(false);
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + staging + " VALUES (" + placeholders + ")")) {
            StructField[] fields = schema.fields();
            int inBatch = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                for (int i = 0; i < fields.length; i++) {
                    bind(ps, i + 1, fields[i].dataType(), r.isNullAt(i) ? null : r.get(i));
                }
                ps.addBatch();
                n++;
                if (++inBatch == batchSize) {
                    ps.executeBatch();
                    inBatch = 0;
                    progress.accept(n);
                }
            }
            if (inBatch > 0) {
                ps.executeBatch();
            }
            c.commit();
            progress.accept(n);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        return n;
    }

    /** Binds one value for a batch insert. */
    protected void bind(PreparedStatement ps, int i, DataType t, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, java.sql.Types.NULL);
        } else if (t instanceof DateType) {
            ps.setDate(i, java.sql.Date.valueOf(localDate(v)));
        } else if (t instanceof TimestampType) {
            ps.setTimestamp(i, java.sql.Timestamp.from(instant(v)));
        } else if (t instanceof DecimalType) {
            ps.setBigDecimal(i, (BigDecimal) v);
        } else {
            ps.setObject(i, v);
        }
    }

    /**
     * Replaces the published table with the staged one, inside the caller's transaction: readers see the old table or
     * the new one, never neither. {@code generation} is unique per load (for names of temporary objects).
     */
    public abstract void swap(Connection c, String table, String generation) throws SQLException;

    /** Grants the reader role SELECT on a published object (inside the caller's transaction); nothing without roles. */
    public void grantRead(Connection c, String published) throws SQLException {
    }

    public void dropStaging(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + staging(table));
        }
    }

    public boolean exists(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, schemaOrNull(), table, new String[]{"TABLE"})) {
            return rs.next();
        }
    }

    protected String schemaOrNull() {
        return settings.schema();
    }

    public long count(Connection c, String qualified) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + qualified)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** CREATE TABLE for a Spark schema. */
    public String createTable(String qualified, StructType schema) {
        StringBuilder sb = new StringBuilder("CREATE TABLE ").append(qualified).append(" (");
        StructField[] f = schema.fields();
        for (int i = 0; i < f.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(quote(f[i].name())).append(' ').append(sqlType(f[i].dataType()));
        }
        return sb.append(')').toString();
    }

    /** CREATE INDEX over the key columns of a staged table; the index name is unique per generation. */
    public String createIndex(String table, String generation, List<String> keys) {
        String name = (table.length() > 40 ? table.substring(0, 40) : table) + "_ix_" + generation;
        return "CREATE INDEX " + quote(name) + " ON " + staging(table) + " (" + String.join(", ", keys.stream().map(ServingDialect::quote).toList()) + ")";
    }

    /** Writes the table and column descriptions into the database's own comments, where it has them (PostgreSQL). */
    public void describe(Connection c, String staged, String description, java.util.Map<String, String> columns) throws SQLException {
    }

    /** Replaces a view in one statement or two (inside the caller's transaction). */
    public abstract void replaceView(Connection c, String view, String sql) throws SQLException;

    /** Complex values (arrays, maps, structs) travel as JSON text. */
    public static boolean isComplex(DataType t) {
        return t instanceof ArrayType || t instanceof MapType || t instanceof StructType;
    }

    static LocalDate localDate(Object v) {
        return v instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) v;
    }

    static Instant instant(Object v) {
        return v instanceof java.sql.Timestamp ts ? ts.toInstant() : (Instant) v;
    }

    static LocalDateTime localDateTime(Object v) {
        return v instanceof java.sql.Timestamp ts ? ts.toLocalDateTime() : (LocalDateTime) v;
    }

    // ------------------------------------------------------------------ SQLite

    /**
     * SQLite: one file, WAL journal (readers never block on the publisher), no schemas: staging tables beside the
     * published ones; swap and views as in {@link GenericDialect}.
     */
    static final class SqliteDialect extends GenericDialect {
        private static final DateTimeFormatter LOCAL_TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);
        private static final DateTimeFormatter TS = LOCAL_TS.withZone(ZoneOffset.UTC);

        SqliteDialect(ServingSettings s) {
            super(s);
        }

        @Override
        public String name() {
            return "SQLite";
        }

        @Override
        public String published(String table) {
            return quote(table);
        }

        @Override
        public String staging(String table) {
            return quote(table + "__staging");
        }

        @Override
        protected String schemaOrNull() {
            return null;
        }

        @Override
        protected TypeNames typeNames() {
            return new TypeNames("INTEGER", "INTEGER", "BIGINT", "DOUBLE", "REAL", "DECIMAL(%d,%d)", "DATE", "TIMESTAMP", "TIMESTAMP",
                    "BOOLEAN", "BLOB", "JSON", "TEXT");
        }

        @Override
        public void prepare(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA busy_timeout=60000");
            }
        }

        @Override
        protected void bind(PreparedStatement ps, int i, DataType t, Object v) throws SQLException {
            // dates and times as ISO text (what SQLite's date functions and BI tools read), booleans as 0/1
            if (v == null) {
                ps.setNull(i, java.sql.Types.NULL);
            } else if (t instanceof DateType) {
                ps.setString(i, localDate(v).toString());
            } else if (t instanceof TimestampType) {
                ps.setString(i, TS.format(instant(v)));
            } else if (t instanceof TimestampNTZType) {
                ps.setString(i, localDateTime(v).format(LOCAL_TS));
            } else if (t instanceof BooleanType) {
                ps.setInt(i, ((Boolean) v) ? 1 : 0);
            } else if (t instanceof DecimalType) {
                ps.setBigDecimal(i, (BigDecimal) v);
            } else {
                ps.setObject(i, v);
            }
        }

        @Override
        public void swap(Connection c, String table, String generation) throws SQLException {
            try (Statement s = c.createStatement()) {
                // SQLite ≥ 3.26 rewrites views on a renamed table and refuses to rename while a view names a missing one;
                // the legacy behaviour keeps views bound by name, so they see the new table once it has the old name
                s.execute("PRAGMA legacy_alter_table=ON");
            }
            super.swap(c, table, generation);
        }
    }

    // ------------------------------------------------------------------ generic JDBC

    /** Any other JDBC database: ANSI types, staging beside the published table, drop-and-rename swap, no roles. */
    static class GenericDialect extends ServingDialect {
        GenericDialect(ServingSettings s) {
            super(s);
        }

        @Override
        public String name() {
            return "JDBC";
        }

        @Override
        public String published(String table) {
            return quote(settings.schema()) + "." + quote(table);
        }

        @Override
        public String staging(String table) {
            return quote(settings.schema()) + "." + quote(table + "__staging");
        }

        @Override
        protected TypeNames typeNames() {
            return new TypeNames("INTEGER", "INTEGER", "BIGINT", "DOUBLE PRECISION", "REAL", "DECIMAL(%d,%d)", "DATE",
                    "TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "BOOLEAN", "BLOB", "VARCHAR(65535)", "VARCHAR(65535)");
        }

        @Override
        public void prepare(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(settings.schema()));
            }
        }

        @Override
        public boolean hasRoles() {
            return false;
        }

        @Override
        public void swap(Connection c, String table, String generation) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + published(table));
                s.execute("ALTER TABLE " + staging(table) + " RENAME TO " + quote(table));
            }
        }

        @Override
        public void replaceView(Connection c, String view, String sql) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("DROP VIEW IF EXISTS " + published(view));
                s.execute("CREATE VIEW " + published(view) + " AS " + sql);
            }
        }
    }
}
