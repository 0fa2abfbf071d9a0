package dev.lakeforge.publish;

import dev.lakeforge.config.ServingSettings;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * PostgreSQL: tables are loaded with COPY into a staging schema the reader role cannot see, then moved into the
 * published schema inside one transaction (the old table renamed away, the views that read it re-pointed, the old one
 * dropped), so a reader's query waits for the commit and then sees the new table. The reader role gets USAGE on the
 * published schema and SELECT on its tables, nothing else.
 */
final class PostgresDialect extends ServingDialect {
    PostgresDialect(ServingSettings s) {
        super(s);
    }

    @Override
    public String name() {
        return "PostgreSQL";
    }

    private String schema() {
        return quote(settings.schema());
    }

    private String stagingSchema() {
        return quote(settings.schema() + "_staging");
    }

    @Override
    public String published(String table) {
        return schema() + "." + quote(table);
    }

    @Override
    public String staging(String table) {
        return stagingSchema() + "." + quote(table);
    }

    @Override
    protected TypeNames typeNames() {
        return new TypeNames("integer", "smallint", "bigint", "double precision", "real", "numeric(%d,%d)", "date", "timestamptz",
                "timestamp", "boolean", "bytea", "jsonb", "text");
    }

    @Override
    public boolean hasRoles() {
        return true;
    }

    @Override
    public void prepare(Connection c) throws SQLException {
        String role = quote(settings.readerRole());
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema());
            s.execute("CREATE SCHEMA IF NOT EXISTS " + stagingSchema());
            s.execute("REVOKE ALL ON SCHEMA " + stagingSchema() + " FROM PUBLIC");
            s.execute("REVOKE CREATE ON SCHEMA " + schema() + " FROM PUBLIC");
            Optional<String> password = settings.readerPassword();
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                ps.setString(1, settings.readerRole());
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            String login = password.map(p -> " LOGIN PASSWORD " + literal(p)).orElse("");
            if (!exists) {
                s.execute("CREATE ROLE " + role + (login.isEmpty() ? " NOLOGIN" : login));
            } else if (!login.isEmpty()) {
                s.execute("ALTER ROLE " + role + login);
            }
            s.execute("GRANT USAGE ON SCHEMA " + schema() + " TO " + role);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema() + " TO " + role);
            s.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema() + " GRANT SELECT ON TABLES TO " + role);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** A string literal for DDL that takes no parameters (CREATE ROLE … PASSWORD): quotes doubled, standard strings. */
    static String literal(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the reader password holds a NUL character");
        }
        return "'" + s.replace("'", "''") + "'";
    }

    @Override
    public long load(Connection c, String staging, StructType schema, Iterator<Row> rows, int batchSize, LongConsumer progress)
            throws SQLException {
        c.setAutoCommit(false);
        StructField[] fields = schema.fields();
        long n = 0;
        try {
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + staging + " FROM STDIN (FORMAT csv)");
            try {
                StringBuilder sb = new StringBuilder(1 << 17);
                while (rows.hasNext()) {
                    Row r = rows.next();
                    for (int i = 0; i < fields.length; i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        if (!r.isNullAt(i)) {
                            csv(sb, fields[i].dataType(), r.get(i));
                        }
                    }
                    sb.append('\n');
                    n++;
                    if (sb.length() >= 1 << 16) {
                        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                        copy.writeToCopy(b, 0, b.length);
                        sb.setLength(0);
                        if (n % batchSize < 200) {
                            progress.accept(n);
                        }
                    }
                }
                byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(b, 0, b.length);
                long copied = copy.endCopy();
                if (copied != n) {
                    throw new SQLException("COPY wrote " + copied + " rows of " + n);
                }
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
            c.commit();
            progress.accept(n);
            return n;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void csv(StringBuilder sb, DataType t, Object v) {
        if (v instanceof String s) {
            sb.append('"').append(s.replace("\"", "\"\"")).append('"');
        } else if (t instanceof DateType) {
            sb.append(localDate(v));
        } else if (t instanceof TimestampType) {
            sb.append(instant(v));
        } else if (t instanceof TimestampNTZType) {
            sb.append(localDateTime(v));
        } else if (v instanceof BigDecimal d) {
            sb.append(d.toPlainString());
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            sb.append(d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        } else if (v instanceof byte[] bytes) {
            sb.append("\\x");
            for (byte x : bytes) {
                sb.append(String.format("%02x", x));
            }
        } else {
            sb.append(v);
        }
    }

    @Override
    public void swap(Connection c, String table, String generation) throws SQLException {
        String old = "lf_old_" + generation;
        try (Statement s = c.createStatement()) {
            List<String[]> views = new ArrayList<>();
            boolean replacing = exists(c, table);
            if (replacing) {
                // the views reading the published table, as text naming it (captured before the rename)
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT v.oid::regclass::text, pg_get_viewdef(v.oid) FROM pg_depend d"
                        + " JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class"
                        + " WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ?::regclass"
                        + " AND v.oid <> d.refobjid AND v.relkind = 'v'")) {
                    ps.setString(1, published(table));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            views.add(new String[]{rs.getString(1), rs.getString(2)});
                        }
                    }
                }
                s.execute("ALTER TABLE " + published(table) + " RENAME TO " + quote(old));
            }
            s.execute("ALTER TABLE " + staging(table) + " SET SCHEMA " + schema());
            for (String[] v : views) {
                // same columns, same OID, grants kept; views on these views keep working untouched
                s.execute("CREATE OR REPLACE VIEW " + v[0] + " AS " + v[1]);
            }
            if (replacing) {
                s.execute("DROP TABLE " + schema() + "." + quote(old));
            }
        }
        grantRead(c, published(table));
    }

    @Override
    public void describe(Connection c, String staged, String description, java.util.Map<String, String> columns) throws SQLException {
        // BI tools (Superset, Metabase, DBeaver) show these beside the tables and columns
        try (Statement s = c.createStatement()) {
            s.execute("COMMENT ON TABLE " + staged + " IS " + literal(description));
            for (java.util.Map.Entry<String, String> e : columns.entrySet()) {
                s.execute("COMMENT ON COLUMN " + staged + "." + quote(e.getKey()) + " IS " + literal(e.getValue()));
            }
        }
    }

    @Override
    public void grantRead(Connection c, String published) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("GRANT SELECT ON " + published + " TO " + quote(settings.readerRole()));
        }
    }

    @Override
    public void replaceView(Connection c, String view, String sql) throws SQLException {
        String name = schema() + "." + quote(view);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL search_path TO " + schema());
            java.sql.Savepoint sp = c.setSavepoint();
            try {
                s.execute("CREATE OR REPLACE VIEW " + name + " AS " + sql); // keeps views that read this one
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                c.rollback(sp); // its columns changed: drop and create
                s.execute("DROP VIEW IF EXISTS " + name);
                s.execute("CREATE VIEW " + name + " AS " + sql);
            }
        }
        grantRead(c, name);
    }
}
