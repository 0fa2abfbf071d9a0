package dev.lakeforge.publish;

import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Publishing to the serving database, against the SQLite default and against a real PostgreSQL server
 * ({@code .ci/postgres.sh start} provides one and exports {@code LAKEFORGE_TEST_PG_URL}, {@code _USER}, {@code _PASSWORD};
 * without them the PostgreSQL cases are skipped, unless {@code LAKEFORGE_TEST_PG_REQUIRED=1}, as in CI, makes that a failure).
 */
@ExtendWith(SparkExtension.class)
class PublishTest {
    private static final String PG_URL = System.getenv("LAKEFORGE_TEST_PG_URL");
    private static final String PG_USER = System.getenv("LAKEFORGE_TEST_PG_USER");
    private static final String PG_PASSWORD = System.getenv("LAKEFORGE_TEST_PG_PASSWORD");
    private static final String READER_PASSWORD = "reader-" + UUID.randomUUID().toString().substring(0, 8);
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false).add("day", DataTypes.DateType).add("amount", DataTypes.createDecimalType(12, 2))
            .add("ratio", DataTypes.DoubleType).add("ok", DataTypes.BooleanType).add("at", DataTypes.TimestampType)
            .add("name", DataTypes.StringType).add("tags", DataTypes.createArrayType(DataTypes.StringType));

    enum Backend { SQLITE, POSTGRES }

    /** One test's lakehouse, its publish configuration and how to reach the serving database. */
    private record Setup(TestLakehouse t, Lakehouse lake, PublishSettings settings, String table, TableName source, Backend backend,
                         String schema, String role) {
        String published() {
            return backend == Backend.SQLITE ? "\"" + table + "\"" : schema + "." + table;
        }

        Connection writer() throws SQLException {
            return PublishServingAction.connect(settings.serving());
        }

        /** The BI side: the read-only role on PostgreSQL, a second connection to the file on SQLite. */
        Connection reader() throws SQLException {
            return backend == Backend.SQLITE ? PublishServingAction.connect(settings.serving())
                    : DriverManager.getConnection(PG_URL, role, READER_PASSWORD);
        }
    }

    private static Setup setup(Backend backend, String extraTables) {
        if (backend == Backend.POSTGRES) {
            boolean required = "1".equals(System.getenv("LAKEFORGE_TEST_PG_REQUIRED"));
            if (required && PG_URL == null) {
                throw new IllegalStateException("LAKEFORGE_TEST_PG_REQUIRED=1 but LAKEFORGE_TEST_PG_URL is not set (.ci/postgres.sh start)");
            }
            assumeTrue(PG_URL != null, "no PostgreSQL server: run .ci/postgres.sh start and export target/postgres.env");
        }
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String table = "sales_" + id;
        String schema = "t_" + id;
        String role = "bi_" + id;
        String hocon = """
                lakeforge.publish {
                  catalog.database = "gold_%1$s"
                  batch-size = 25
                  tables {
                    %2$s {
                      source = "gold.%2$s"
                      description = "Test sales, one row per sale; it's quoted"
                      keys = [id, day]
                      columns { id = "Sale id", day = "Day of the sale", amount = "Amount in EUR", name = "Customer's name" }
                    }
                    missing_%1$s { source = "gold.none_%1$s", description = "Not built yet", optional = true }
                    %3$s
                  }
                  views {
                    big_%1$s { description = "Sales above 50", tables = [%2$s], sql = "SELECT id, amount FROM %2$s WHERE amount > 50" }
                  }
                }
                """.formatted(id, table, extraTables);
        TestLakehouse t;
        if (backend == Backend.SQLITE) {
            t = SparkExtension.newLakehouseWithConf(hocon);
        } else {
            t = SparkExtension.newLakehouseWithConf(hocon, Map.of("LAKEFORGE_SERVING_PASSWORD", PG_PASSWORD, "LAKEFORGE_BI_PASSWORD",
                    READER_PASSWORD), "serving.url=\"" + PG_URL + "\"", "serving.user=" + PG_USER, "serving.schema=" + schema,
                    "serving.reader-role=" + role);
        }
        PublishSettings settings = PublishSettings.from(t.loaded().config());
        return new Setup(t, t.lakehouse(), settings, table, TableName.of("gold", table), backend, schema, role);
    }

    private static long writeRows(Setup s, int n, int seed) {
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add(RowFactory.create((long) i, java.sql.Date.valueOf(java.time.LocalDate.of(2024, 1, 1).plusDays(i % 60)),
                    new BigDecimal(String.format(java.util.Locale.ROOT, "%d.%02d", (i * 7 + seed) % 100, i % 100)), i / 3.0, i % 2 == 0,
                    Timestamp.from(java.time.Instant.parse("2024-01-01T10:00:00Z").plusSeconds(i * 60L)),
                    i % 10 == 0 ? null : "O'Brien, \"Ltd\" " + i, scala.jdk.javaapi.CollectionConverters.asScala(List.of("a", "b" + i)).toSeq()));
        }
        s.t().spark().createDataFrame(rows, SCHEMA).write().format("delta").mode("overwrite").save(s.lake().path(s.source()));
        return s.lake().version(s.source()).orElseThrow();
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static PublishAction.Result publish(Setup s) {
        return new PublishAction(s.lake(), s.settings()).execute();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void publishesTablesWithTypesDictionaryViewsAndCatalog(Backend backend) throws Exception {
        Setup s = setup(backend, "");
        long written = writeRows(s, 120, 0);
        PublishAction.Result r = publish(s);
        // the catalog step's comments are Delta metadata commits: the version published is the one after them
        long version = s.lake().version(s.source()).orElseThrow();
        assertThat(version).isGreaterThan(written);

        assertThat(r.serving()).extracting(PublishServingAction.TablePublication::table, PublishServingAction.TablePublication::status)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(s.table(), PublishServingAction.Status.PUBLISHED),
                        org.assertj.core.groups.Tuple.tuple("missing_" + s.table().substring(6), PublishServingAction.Status.SKIPPED));
        try (Connection c = s.reader()) {
            assertThat(count(c, s.published())).isEqualTo(120);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, day, amount, ok, name, tags FROM "
                    + s.published() + " WHERE id = 7")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("day")).isEqualTo("2024-01-08");
                assertThat(rs.getBigDecimal("amount")).isEqualByComparingTo("49.07");
                assertThat(rs.getBoolean("ok")).isFalse();
                assertThat(rs.getString("name")).isEqualTo("O'Brien, \"Ltd\" 7");
                assertThat(rs.getString("tags").replace(" ", "")).isEqualTo("[\"a\",\"b7\"]");
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + s.published() + " WHERE name IS NULL")) {
                rs.next();
                assertThat(rs.getLong(1)).as("NULLs stay NULL, not empty text").isEqualTo(12);
            }
            String dict = backend == Backend.SQLITE ? "data_dictionary" : s.schema() + ".data_dictionary";
            Map<String, String> types = new HashMap<>();
            Map<String, String> descriptions = new HashMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT column_name, data_type, description, source_version,"
                    + " row_count, source_table FROM " + dict + " WHERE table_name = '" + s.table() + "' ORDER BY ordinal")) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                    descriptions.put(rs.getString(1), rs.getString(3));
                    assertThat(rs.getLong(4)).isEqualTo(version);
                    assertThat(rs.getLong(5)).isEqualTo(120);
                    assertThat(rs.getString(6)).isEqualTo(s.source().toString());
                }
            }
            assertThat(types).hasSize(8);
            assertThat(descriptions).containsEntry("amount", "Amount in EUR").containsEntry("name", "Customer's name");
            if (backend == Backend.SQLITE) {
                assertThat(types).containsEntry("amount", "DECIMAL(12,2)").containsEntry("day", "DATE").containsEntry("id", "BIGINT")
                        .containsEntry("ok", "BOOLEAN").containsEntry("at", "TIMESTAMP");
            } else {
                assertThat(types).containsEntry("amount", "numeric(12,2)").containsEntry("day", "date").containsEntry("id", "bigint")
                        .containsEntry("ok", "boolean").containsEntry("at", "timestamptz").containsEntry("tags", "jsonb");
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT data_type, numeric_precision, numeric_scale"
                        + " FROM information_schema.columns WHERE table_schema = '" + s.schema() + "' AND table_name = '" + s.table()
                        + "' AND column_name = 'amount'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("numeric");
                    assertThat(rs.getInt(2)).isEqualTo(12);
                    assertThat(rs.getInt(3)).isEqualTo(2);
                }
            }
            String view = backend == Backend.SQLITE ? "big_" + s.table().substring(6) : s.schema() + ".big_" + s.table().substring(6);
            long expectedBig = s.lake().read(s.source()).where("amount > 50").count();
            assertThat(count(c, view)).isEqualTo(expectedBig).isPositive();
        }
        // the catalog: gold_<id>.<table> over the Delta folder, with the descriptions as comments
        String catalogTable = s.settings().catalogDatabase() + "." + s.table();
        assertThat(s.t().spark().sql("SELECT COUNT(*) FROM " + catalogTable).first().getLong(0)).isEqualTo(120);
        List<Row> described = s.t().spark().sql("DESCRIBE TABLE " + catalogTable).collectAsList();
        assertThat(described).anySatisfy(row -> {
            assertThat(row.getString(0)).isEqualTo("amount");
            assertThat(row.getString(2)).isEqualTo("Amount in EUR");
        });

        // a second publish of the same data changes nothing
        PublishAction.Result again = publish(s);
        assertThat(again.serving()).filteredOn(p -> p.table().equals(s.table())).singleElement()
                .satisfies(p -> assertThat(p.status()).isEqualTo(PublishServingAction.Status.UNCHANGED));
        assertThat(again.catalog()).allSatisfy(reg -> assertThat(reg.comments()).isZero());
        long registered = r.catalog().stream().filter(reg -> reg.name().endsWith("." + s.table())).findFirst().orElseThrow().version();
        assertThat(s.lake().version(s.source()).orElseThrow()).as("no new Delta commit").isEqualTo(registered);
        try (Connection c = s.reader()) {
            assertThat(count(c, s.published())).isEqualTo(120);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void readersSeeTheWholeOldOrTheWholeNewTableDuringARepublish(Backend backend) throws Exception {
        Setup s = setup(backend, "");
        writeRows(s, 120, 0);
        publish(s);
        writeRows(s, 250, 3);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        AtomicReference<Throwable> readerError = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (Connection c = s.reader()) {
                while (!stop.get()) {
                    seen.add(count(c, s.published()));
                }
            } catch (Throwable e) {
                readerError.set(e);
            }
        });
        reader.start();
        List<PublishServingAction.TablePublication> done;
        try {
            // slow the load down so that the reader polls while the staging table fills
            done = new PublishServingAction(s.lake(), s.settings()).onRows((table, n) -> sleep(30)).execute();
        } finally {
            sleep(200);
            stop.set(true);
            reader.join();
        }
        assertThat(readerError.get()).isNull();
        assertThat(done).filteredOn(p -> p.table().equals(s.table())).singleElement()
                .satisfies(p -> assertThat(p.status()).isEqualTo(PublishServingAction.Status.PUBLISHED));
        assertThat(seen).isNotEmpty().isSubsetOf(120L, 250L).contains(250L);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLoadThatFailsMidwayLeavesThePublishedTableAsItWas(Backend backend) throws Exception {
        Setup s = setup(backend, "");
        writeRows(s, 120, 0);
        publish(s);
        long v1 = s.lake().version(s.source()).orElseThrow();
        writeRows(s, 250, 3);
        assertThatThrownBy(() -> new PublishAction(s.lake(), s.settings()).onRows((table, n) -> {
            if (n >= 50) {
                throw new IllegalStateException("connection lost after " + n + " rows");
            }
        }).execute()).isInstanceOf(PublishException.class).hasMessageContaining(s.table()).hasMessageContaining("connection lost");
        try (Connection c = s.reader()) {
            assertThat(count(c, s.published())).isEqualTo(120);
            String dict = backend == Backend.SQLITE ? "data_dictionary" : s.schema() + ".data_dictionary";
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT source_version FROM " + dict
                    + " WHERE table_name = '" + s.table() + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(v1);
            }
        }
        try (Connection c = s.writer()) {
            assertThat(s.settings().tables()).isNotEmpty();
            assertThat(ServingDialect.of(s.settings().serving()).exists(c, backend == Backend.SQLITE ? s.table() + "__staging" : s.table()))
                    .as("no staging table left behind").isEqualTo(backend == Backend.POSTGRES);
            if (backend == Backend.POSTGRES) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables"
                        + " WHERE table_schema = '" + s.schema() + "_staging'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isZero();
                }
            }
        }
        // the next publish succeeds and brings the new rows
        publish(s);
        try (Connection c = s.reader()) {
            assertThat(count(c, s.published())).isEqualTo(250);
        }
    }

    /** The real thing: the PostgreSQL server killed in the middle of a load (.ci/postgres.sh pause), then started again. */
    @Test
    void theDatabaseGoingAwayMidLoadFailsClearlyAndTheNextRunSucceeds() throws Exception {
        Setup s = setup(Backend.POSTGRES, "");
        Path script = Path.of("..", ".ci", "postgres.sh").toAbsolutePath().normalize();
        writeRows(s, 120, 0);
        publish(s);
        writeRows(s, 250, 3);
        java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            assertThatThrownBy(() -> new PublishAction(s.lake(), s.settings()).onRows((table, n) -> {
                if (n >= 50 && killed.compareAndSet(false, true)) {
                    run(script, "pause");
                }
            }).execute()).isInstanceOf(PublishException.class).hasMessageContaining(s.table())
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("I/O error", "connection", "Connection", "terminat"))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PG_PASSWORD));
        } finally {
            if (killed.get()) {
                run(script, "resume");
            }
        }
        assertThat(killed).isTrue();
        try (Connection c = s.reader()) {
            assertThat(count(c, s.published())).as("the published table is as it was").isEqualTo(120);
        }
        publish(s);
        try (Connection c = s.reader()) {
            assertThat(count(c, s.published())).isEqualTo(250);
        }
    }

    private static void run(Path script, String arg) {
        try {
            Process p = new ProcessBuilder("bash", script.toString(), arg).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(script + " " + arg + " failed: " + out);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theReaderRoleCanSelectAndNothingElse() throws Exception {
        Setup s = setup(Backend.POSTGRES, "");
        writeRows(s, 20, 0);
        publish(s);
        try (Connection c = s.reader(); Statement st = c.createStatement()) {
            assertThat(count(c, s.published())).isEqualTo(20);
            assertThat(count(c, s.schema() + ".data_dictionary")).isEqualTo(8);
            for (String sql : List.of("INSERT INTO " + s.published() + " (id) VALUES (999)", "UPDATE " + s.published() + " SET ratio = 0",
                    "DELETE FROM " + s.published(), "DROP TABLE " + s.published(), "TRUNCATE " + s.published(),
                    "CREATE TABLE " + s.schema() + ".mine (a int)", "CREATE TABLE " + s.schema() + "_staging.mine (a int)",
                    "SELECT * FROM " + s.schema() + "_staging.anything", "ALTER TABLE " + s.published() + " ADD COLUMN x int")) {
                assertThatThrownBy(() -> st.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                        .hasMessageMatching("(?s).*(permission denied|must be owner).*");
            }
        }
        try (Connection c = s.reader()) {
            assertThat(count(c, s.published())).isEqualTo(20);
        }
    }

    @Test
    void viewsOnAPublishedTableKeepWorkingAfterTheSwap() throws Exception {
        Setup s = setup(Backend.POSTGRES, "");
        writeRows(s, 30, 0);
        publish(s);
        try (Connection c = s.writer(); Statement st = c.createStatement()) {
            st.execute("CREATE VIEW " + s.schema() + ".analyst_view AS SELECT COUNT(*) AS n, SUM(amount) AS total FROM " + s.published());
            st.execute("CREATE VIEW " + s.schema() + ".analyst_view2 AS SELECT n FROM " + s.schema() + ".analyst_view");
        }
        writeRows(s, 75, 1);
        publish(s);
        try (Connection c = s.reader(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n FROM " + s.schema() + ".analyst_view2")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(75);
        }
    }

    @Test
    void namesFromConfigurationMustBePlainIdentifiers() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf("""
                lakeforge.publish.tables {
                  "sales; DROP TABLE x" { source = "gold.sales_daily", description = "bad name" }
                  ok_table { source = "gold.sales_daily", description = "bad column", columns { "a b" = "x" }, keys = ["id)--"] }
                }
                lakeforge.publish.views {
                  v1 { sql = "DELETE FROM ok_table", tables = [ok_table] }
                  v2 { sql = "SELECT 1; DROP TABLE ok_table" }
                }
                """);
        assertThatThrownBy(() -> PublishSettings.from(t.loaded().config())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sales; DROP TABLE x")
                .hasMessageContaining("lakeforge.publish.tables.ok_table.columns")
                .hasMessageContaining("lakeforge.publish.tables.ok_table.keys")
                .hasMessageContaining("lakeforge.publish.views.v1.sql: ")
                .hasMessageContaining("lakeforge.publish.views.v2.sql: ");
        assertThatThrownBy(() -> SparkExtension.newLakehouse("serving.schema=\"bi; DROP\"")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lakeforge.serving.schema");
        assertThatThrownBy(() -> SparkExtension.newLakehouse("serving.password=literal")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lakeforge.serving.password").hasMessageContaining("environment variable");
    }

    @Test
    void aColumnDescribedButMissingFailsThatTableOnlyAndNamesIt() throws Exception {
        Setup s = setup(Backend.SQLITE, """
                other_x { source = "gold.other_x", description = "Described wrongly", columns { nope = "not a column" }, keys = [id] }
                """);
        writeRows(s, 10, 0);
        s.t().spark().range(5).toDF("id").write().format("delta").save(s.lake().path(TableName.parse("gold.other_x")));
        assertThatThrownBy(() -> publish(s)).isInstanceOf(PublishException.class)
                .hasMessageContaining("other_x").hasMessageContaining("columns [nope]").hasMessageContaining("1 of 3");
        try (Connection c = s.reader()) {
            assertThat(count(c, s.published())).as("the other table is published").isEqualTo(10);
        }
    }

    @Test
    void sqlRunsQueriesOverCatalogAndLakehouseAndRefusesChanges() {
        TestLakehouse t = SparkExtension.newLakehouse();
        Lakehouse lake = t.lakehouse();
        String layer = "l" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        t.spark().range(0, 250).selectExpr("id", "id % 7 AS bucket").write().format("delta").save(lake.path(TableName.of(layer, "numbers")));

        SqlQueryAction.Result r = new SqlQueryAction(lake).sql("SELECT bucket, COUNT(*) AS n FROM " + layer + ".numbers GROUP BY bucket ORDER BY bucket;")
                .limit(3).execute();
        assertThat(r.schema().fieldNames()).containsExactly("bucket", "n");
        assertThat(r.rows()).hasSize(3);
        assertThat(r.rows().get(0).getLong(1)).isEqualTo(36);
        assertThat(r.truncated()).isTrue();
        assertThat(new SqlQueryAction(lake).sql("SELECT COUNT(*) FROM " + layer + ".numbers").execute().rows().get(0).getLong(0)).isEqualTo(250);

        for (String sql : List.of("DROP TABLE " + layer + ".numbers", "INSERT INTO " + layer + ".numbers VALUES (1, 1)",
                "DELETE FROM " + layer + ".numbers", "CREATE TABLE x (a INT)", "ALTER TABLE " + layer + ".numbers ADD COLUMN z INT")) {
            assertThatThrownBy(() -> new SqlQueryAction(lake).sql(sql).execute()).as(sql).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("queries only");
        }
        assertThatThrownBy(() -> new SqlQueryAction(lake).sql("SELECT nope FROM " + layer + ".numbers").execute())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> new SqlQueryAction(lake).sql("SELEC 1").execute()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("syntax");
        assertThat(lake.read(TableName.of(layer, "numbers")).count()).isEqualTo(250);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
