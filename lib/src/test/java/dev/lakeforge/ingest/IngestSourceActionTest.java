package dev.lakeforge.ingest;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.runs.JobRunner;
import dev.lakeforge.testing.LandingFiles;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SparkExtension.class)
class IngestSourceActionTest {
    static final String CONF = """
            lakeforge.sources {
              orders {
                format = csv
                path = "*/erp/orders.csv"
                schema = "order_id STRING, customer_id STRING, quantity INT, updated_at TIMESTAMP"
                primary-key = [order_id]
                event-time = updated_at
              }
              events {
                format = json
                path = "*/crm/events.jsonl"
                schema = "event_id STRING, customer_id STRING, rating INT, event_time TIMESTAMP"
                primary-key = [event_id]
                event-time = event_time
              }
              items {
                format = parquet
                path = "*/erp/items/*.parquet"
                schema = "item_id STRING, price DOUBLE"
                primary-key = [item_id]
                event-time = price
              }
              suppliers {
                format = jdbc
                options { url = "jdbc:derby:memory:lfsuppliers;create=true", dbtable = "SUPPLIERS", driver = "org.apache.derby.jdbc.EmbeddedDriver" }
                schema = "SUPPLIER_ID STRING, NAME STRING, RATING INT"
                primary-key = [SUPPLIER_ID]
                event-time = RATING
              }
              strict {
                format = csv
                path = "*/erp/strict.csv"
                schema = "id STRING, v INT"
                primary-key = [id]
                event-time = v
                schema-evolution = fail
              }
            }
            """;
    static final LocalDate D1 = LocalDate.of(2024, 1, 1);
    static final LocalDate D2 = LocalDate.of(2024, 1, 2);

    private IngestResult ingest(TestLakehouse t, String source, LocalDate day) {
        return ingest(t, source, day, IngestSourceAction.REJECTS_KEPT_ON_DRIVER, IngestSourceAction.REJECT_CHARS_KEPT_ON_DRIVER);
    }

    /** The counters of the last run {@link #ingest} made. */
    private final AtomicReference<java.util.Map<String, Long>> lastMetrics = new AtomicReference<>();

    /** With at most {@code keptRows} rejected lines (and {@code keptChars} characters) sent to the driver. */
    private IngestResult ingest(TestLakehouse t, String source, LocalDate day, int keptRows, long keptChars) {
        SourceCatalog catalog = SourceCatalog.from(t.loaded().config());
        return inIngestRun(t, day, run -> {
            IngestResult r = new IngestSourceAction(t.lakehouse(), t.loaded().config().lakehouse().landing())
                    .rejectsKeptOnDriver(keptRows, keptChars).source(catalog.get(source)).runDate(day).run(run).execute();
            lastMetrics.set(run.metrics());
            return r;
        });
    }

    /** {@code work} inside an {@code ingest} run of {@code day}; what it throws is thrown again. */
    private static <T> T inIngestRun(TestLakehouse t, LocalDate day, java.util.function.Function<dev.lakeforge.runs.JobRun, T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream())).run("ingest", day, run -> {
            try {
                result.set(work.apply(run));
            } catch (RuntimeException e) {
                error.set(e);
                throw e;
            }
        });
        if (error.get() instanceof RuntimeException e) {
            throw e;
        }
        return result.get();
    }

    private static Path landing(TestLakehouse t) {
        return Path.of(t.loaded().config().lakehouse().landing());
    }

    @Test
    void loadsOnlyBatchesUpToTheRunDateAndNeverTwice(TestLakehouse t0) {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        Lakehouse lake = t.lakehouse();
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv",
                "order_id,customer_id,quantity,updated_at",
                "O1,C1,3,2024-01-01T10:00:00Z",
                "O2,\"C2, Ltd\",5,2024-01-01T11:00:00Z",
                "O3,C3,7",
                "O4,\"C4,4,2024-01-01T12:00:00Z",
                "",
                "O5,C5,,2024-01-01T13:00:00Z");
        LandingFiles.write(landing(t), "2024-01-02/erp/orders.csv",
                "order_id,customer_id,quantity,updated_at,promo_code",
                "O6,C6,1,2024-01-02T10:00:00Z,SUMMER10",
                "O1,C1,4,2024-01-02T11:00:00Z,");

        IngestResult first = ingest(t, "orders", D1);
        assertThat(first.filesFound()).isEqualTo(1);
        assertThat(first.rowsLoaded()).isEqualTo(3);
        assertThat(first.rowsRejected()).isEqualTo(2);
        List<Row> rejects = lake.read(IngestSourceAction.REJECTS).orderBy("line_number").collectAsList();
        assertThat(rejects).extracting(r -> r.getAs("line_number") + "|" + r.getAs("reason") + "|" + r.getAs("raw_line"))
                .containsExactly("4|expected 4 fields as in the header, found 3|O3,C3,7",
                        "5|malformed CSV: unterminated quoted field|O4,\"C4,4,2024-01-01T12:00:00Z");
        assertThat(lake.read(IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("orders")))
                .where(col("order_id").equalTo("O2")).first().<String>getAs("customer_id")).isEqualTo("C2, Ltd");

        long versionAfterFirst = first.bronzeVersion();
        IngestResult again = ingest(t, "orders", D1);
        assertThat(again.filesLoaded()).isZero();
        assertThat(again.filesSkipped()).isEqualTo(1);
        assertThat(again.bronzeVersion()).isEqualTo(versionAfterFirst);

        IngestResult second = ingest(t, "orders", D2);
        assertThat(second.filesLoaded()).isEqualTo(1);
        assertThat(second.rowsLoaded()).isEqualTo(2);
        assertThat(second.newColumns()).containsExactly("promo_code");
        var bronze = lake.read(IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("orders")));
        assertThat(bronze.count()).isEqualTo(5);
        assertThat(bronze.where(col("order_id").equalTo("O6")).first().<String>getAs("promo_code")).isEqualTo("SUMMER10");
        assertThat(bronze.where(col("order_id").equalTo("O5")).first().<String>getAs("quantity")).isNull();
        assertThat(bronze.select("_row_hash").distinct().count()).isEqualTo(5);
    }

    /** A file of {@code lines} data lines, each holding its own line number; a bad line every {@code badEvery}. */
    private static String[] numberedOrders(int lines, int badEvery) {
        String[] out = new String[lines + 1];
        out[0] = "order_id,customer_id,quantity,updated_at";
        for (int i = 1; i <= lines; i++) {
            int line = i + 1;
            // lines of varied length, so that split boundaries fall anywhere inside a line
            String pad = "x".repeat(line % 37);
            out[i] = line % badEvery == 0 ? "BAD-" + line + ",only two fields " + pad
                    : "L" + line + ",C" + pad + "," + (line % 100) + ",2024-01-01T10:00:00Z";
        }
        return out;
    }

    @Test
    void everyRowOfAFileReadInManySplitsHasItsExactLineNumber() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        Lakehouse lake = t.lakehouse();
        int lines = 60_000;
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", numberedOrders(lines, 997));
        org.apache.hadoop.conf.Configuration conf = t.spark().sparkContext().hadoopConfiguration();
        String before = conf.get("mapreduce.input.fileinputformat.split.maxsize");
        // ~2.4 MB in splits of 100,003 bytes: most splits start mid-line and away from the line index's chunk marks
        conf.set("mapreduce.input.fileinputformat.split.maxsize", "100003");
        try {
            IngestResult r = ingest(t, "orders", D1);
            long expectedBad = java.util.stream.IntStream.rangeClosed(2, lines + 1).filter(l -> l % 997 == 0).count();
            assertThat(r.rowsRejected()).isEqualTo(expectedBad).isEqualTo(60);
            assertThat(r.rowsLoaded()).isEqualTo(lines - expectedBad);
            var bronze = lake.read(IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("orders")));
            assertThat(bronze.where(col("_line_number").isNull()).count()).as("every row has its line number").isZero();
            assertThat(bronze.where(org.apache.spark.sql.functions.concat(org.apache.spark.sql.functions.lit("L"),
                    col("_line_number").cast("string")).notEqual(col("order_id"))).count()).as("and it is the right one").isZero();
            List<Row> rejects = lake.read(IngestSourceAction.REJECTS).orderBy("line_number").collectAsList();
            assertThat(rejects).hasSize((int) expectedBad).allSatisfy(x -> assertThat(x.<String>getAs("raw_line"))
                    .startsWith("BAD-" + x.<Long>getAs("line_number") + ","));
        } finally {
            if (before == null) {
                conf.unset("mapreduce.input.fileinputformat.split.maxsize");
            } else {
                conf.set("mapreduce.input.fileinputformat.split.maxsize", before);
            }
        }
    }

    @Test
    void rejectsBeyondWhatTheDriverMayHoldAreWrittenToFilesByTheTasksWithNoneLostOrRepeated() throws Exception {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        Lakehouse lake = t.lakehouse();
        int lines = 3_000;
        // every third line is bad: 1,000 rejects over ~10 splits, of which the driver may hold 40 (4 per task)
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", numberedOrders(lines, 3));
        // a file of rejected lines a killed load left behind: not this load's, so it must not reach the table
        Path leftover = Path.of(lake.folder("_staging/rejects/orders"), "part-00000-7.json");
        java.nio.file.Files.createDirectories(leftover.getParent());
        java.nio.file.Files.writeString(leftover, "{\"_source_file\":\"old.csv\",\"_byte_offset\":1,\"_line_number\":1,"
                + "\"_raw_line\":\"stale\",\"_reject_reason\":\"stale\"}\n");
        org.apache.hadoop.conf.Configuration conf = t.spark().sparkContext().hadoopConfiguration();
        String before = conf.get("mapreduce.input.fileinputformat.split.maxsize");
        conf.set("mapreduce.input.fileinputformat.split.maxsize", "10007");
        try {
            IngestResult r = ingest(t, "orders", D1, 40, 1 << 20);
            long expectedBad = java.util.stream.IntStream.rangeClosed(2, lines + 1).filter(l -> l % 3 == 0).count();
            assertThat(r.rowsRejected()).isEqualTo(expectedBad).isEqualTo(1_000);
            assertThat(r.rowsLoaded()).isEqualTo(lines - expectedBad);
            List<Row> rejects = lake.read(IngestSourceAction.REJECTS).orderBy("line_number").collectAsList();
            assertThat(rejects).hasSize(1_000).allSatisfy(x -> {
                assertThat(x.<String>getAs("raw_line")).startsWith("BAD-" + x.<Long>getAs("line_number") + ",");
                assertThat(x.<String>getAs("file")).endsWith("2024-01-01/erp/orders.csv");
                assertThat(x.<String>getAs("reason")).isNotBlank();
                assertThat(x.<String>getAs("file_checksum")).isNotBlank();
                assertThat(x.<java.sql.Date>getAs("batch_date")).isEqualTo(java.sql.Date.valueOf(D1));
            });
            assertThat(rejects.stream().map(x -> x.<Long>getAs("line_number")).distinct().count()).isEqualTo(1_000);
            assertThat(lastMetrics.get()).as("found in the one pass of the write, most through files").doesNotContainKey("orders.rejects_second_pass")
                    .hasEntrySatisfying("orders.rejects_via_files", n -> assertThat(n).isBetween(900L, 999L));
            assertThat(java.nio.file.Files.exists(leftover.getParent())).as("the files of rejected lines are gone").isFalse();
            assertThat(lake.read(IngestLedger.TABLE).where(col("status").equalTo("INGESTED")).first().<Long>getAs("rejected"))
                    .isEqualTo(1_000L);
        } finally {
            if (before == null) {
                conf.unset("mapreduce.input.fileinputformat.split.maxsize");
            } else {
                conf.set("mapreduce.input.fileinputformat.split.maxsize", before);
            }
        }
    }

    @Test
    void duplicateFileUnderANewNameAndEmptyFilesAreRecordedNotLoaded() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        String[] content = {"order_id,customer_id,quantity,updated_at", "O1,C1,3,2024-01-01T10:00:00Z"};
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", content);
        ingest(t, "orders", D1);
        LandingFiles.write(landing(t), "2024-01-02/erp/orders.csv", content);
        IngestResult r = ingest(t, "orders", D2);
        assertThat(r.filesDuplicate()).isEqualTo(1);
        assertThat(r.rowsLoaded()).isZero();
        assertThat(t.lakehouse().read(IngestLedger.TABLE).where(col("status").equalTo("DUPLICATE")).first().<String>getAs("note"))
                .contains("same content as 2024-01-01/erp/orders.csv");
        IngestResult again = ingest(t, "orders", D2);
        assertThat(again.filesDuplicate()).as("noted once, not on every run").isZero();
        assertThat(again.filesSkipped()).isEqualTo(2);
        assertThat(t.lakehouse().read(IngestLedger.TABLE).where(col("status").equalTo("DUPLICATE")).count()).isEqualTo(1);
    }

    @Test
    void aFileTheLedgerHoldsIsNotReadAgainUnlessItChanged() throws Exception {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        Path f = LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", "order_id,customer_id,quantity,updated_at",
                "O1,C1,3,2024-01-01T10:00:00Z");
        var bronze = IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("orders"));
        assertThat(ingest(t, "orders", D1).rowsLoaded()).isEqualTo(1);
        java.nio.file.attribute.FileTime mtime = java.nio.file.Files.getLastModifiedTime(f);
        // other bytes of the same length, modification time put back: a run that read the file would see new content
        java.nio.file.Files.writeString(f, java.nio.file.Files.readString(f).replace("O1,C1", "O9,C9"));
        java.nio.file.Files.setLastModifiedTime(f, mtime);
        IngestResult unchanged = ingest(t, "orders", D1);
        assertThat(unchanged.filesSkipped()).as("same path, size and time: not read").isEqualTo(1);
        assertThat(unchanged.filesLoaded()).isZero();
        // changed in place, so a new modification time: read, its content is new, loaded
        java.nio.file.Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(mtime.toInstant().plusSeconds(60)));
        assertThat(ingest(t, "orders", D1).filesLoaded()).isEqualTo(1);
        assertThat(t.lakehouse().read(bronze).select("order_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactlyInAnyOrder("O1", "O9");
        assertThat(ingest(t, "orders", D1).filesSkipped()).as("the ledger keeps the newest state of the path").isEqualTo(1);
    }

    @Test
    void aLedgerWrittenBeforeModificationTimesWereRecordedStillSkipsByChecksumAndEvolves() throws Exception {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        Path f = LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", "order_id,customer_id,quantity,updated_at",
                "O1,C1,3,2024-01-01T10:00:00Z");
        String checksum = LandingScanner.checksum(org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()),
                new org.apache.hadoop.fs.Path(f.toString()), new LineIndex.Builder());
        // the ledger as Lakeforge wrote it before it had modified_at: the file recorded as ingested
        var old = new org.apache.spark.sql.types.StructType(java.util.Arrays.copyOf(IngestLedger.SCHEMA.fields(),
                IngestLedger.SCHEMA.fields().length - 1));
        t.spark().createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("orders", f.toUri().toString(),
                        "2024-01-01/erp/orders.csv", checksum, java.nio.file.Files.size(f), java.sql.Date.valueOf(D1), "INGESTED", 0L,
                        "old-run", new java.sql.Timestamp(0), 1L, 0L, null)), old)
                .write().format("delta").save(t.lakehouse().path(IngestLedger.TABLE));
        assertThat(ingest(t, "orders", D1).filesSkipped()).as("known by checksum").isEqualTo(1);
        LandingFiles.write(landing(t), "2024-01-02/erp/orders.csv", "order_id,customer_id,quantity,updated_at",
                "O2,C2,3,2024-01-02T10:00:00Z");
        assertThat(ingest(t, "orders", D2).filesLoaded()).isEqualTo(1);
        assertThat(t.lakehouse().read(IngestLedger.TABLE).where(col("modified_at").isNotNull()).count())
                .as("the ledger evolved; new rows have the time").isEqualTo(2);
    }

    @Test
    void missingDeclaredColumnStopsCleanly() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", "order_id,customer_id,quantity,updated_at", "O1,C1,3,2024-01-01T10:00:00Z");
        IngestResult first = ingest(t, "orders", D1);
        LandingFiles.write(landing(t), "2024-01-02/erp/orders.csv", "order_id,customer,quantity,updated_at", "O2,C2,3,2024-01-02T10:00:00Z");
        assertThatThrownBy(() -> ingest(t, "orders", D2)).isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("lacks the declared column(s) [customer_id]").hasMessageContaining("Nothing was loaded");
        assertThat(t.lakehouse().version(IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("orders"))))
                .hasValue(first.bronzeVersion());
    }

    @Test
    void newColumnIsRefusedWhenEvolutionIsOff() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        LandingFiles.write(landing(t), "2024-01-01/erp/strict.csv", "id,v,extra", "a,1,x");
        assertThatThrownBy(() -> ingest(t, "strict", D1)).isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("new column(s) [extra]").hasMessageContaining("schema-evolution = fail");
        assertThat(t.lakehouse().exists(IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("strict")))).isFalse();
    }

    @Test
    void jsonLinesWithBadLinesAreRejectedWithReasons() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        LandingFiles.write(landing(t), "2024-01-01/crm/events.jsonl",
                "{\"event_id\":\"E1\",\"customer_id\":\"C1\",\"rating\":4,\"event_time\":\"2024-01-01T10:00:00Z\"}",
                "{\"event_id\":\"E2\",\"customer_id\":\"C2\",\"rating\":null,\"event_time\":\"2024-01-01T10:0",
                "[1,2,3]",
                "{\"event_id\":\"E3\",\"customer_id\":\"C3\",\"event_time\":\"2024-01-01T11:00:00Z\",\"new_field\":1}");
        IngestResult r = ingest(t, "events", D1);
        assertThat(r.rowsLoaded()).isEqualTo(2);
        assertThat(r.rowsRejected()).isEqualTo(2);
        assertThat(t.lakehouse().read(IngestSourceAction.REJECTS).orderBy("line_number").collectAsList())
                .extracting(x -> x.getAs("line_number") + ":" + x.<String>getAs("reason").substring(0, 14))
                .containsExactly("2:malformed JSON", "3:not a JSON obj");
        assertThat(t.lakehouse().read(IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("events")))
                .where(col("event_id").equalTo("E1")).first().<String>getAs("rating")).isEqualTo("4");
    }

    @Test
    void parquetFilesLoadWithTheirValuesAsStringsAndNewColumnsEvolve() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        var schema = new org.apache.spark.sql.types.StructType().add("item_id", "string").add("price", "double").add("colour", "string");
        t.spark().createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("I1", 2.5, "red"),
                        org.apache.spark.sql.RowFactory.create("I2", 3.0, "blue")), schema)
                .coalesce(1).write().parquet(landing(t).resolve("2024-01-01/erp/items").toString());
        IngestResult r = ingest(t, "items", D1);
        assertThat(r.rowsLoaded()).isEqualTo(2);
        assertThat(r.newColumns()).containsExactly("colour");
        Row i1 = t.lakehouse().read(IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("items")))
                .where(col("item_id").equalTo("I1")).first();
        assertThat(i1.<String>getAs("price")).isEqualTo("2.5");
        assertThat(i1.<String>getAs("colour")).isEqualTo("red");
        assertThat(ingest(t, "items", D1).filesSkipped()).isEqualTo(1);
    }

    @Test
    void jdbcSourceLoadsOncePerRunDate() throws Exception {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        try (var c = java.sql.DriverManager.getConnection("jdbc:derby:memory:lfsuppliers;create=true");
             var st = c.createStatement()) {
            st.execute("CREATE TABLE SUPPLIERS (SUPPLIER_ID VARCHAR(10), NAME VARCHAR(40), RATING INT)");
            st.execute("INSERT INTO SUPPLIERS VALUES ('S1', 'Acme Steel', 4), ('S2', 'Polymer & Co', 5)");
        }
        IngestResult first = ingest(t, "suppliers", D1);
        assertThat(first.rowsLoaded()).isEqualTo(2);
        assertThat(ingest(t, "suppliers", D1).rowsLoaded()).isZero();
        assertThat(ingest(t, "suppliers", D2).rowsLoaded()).isEqualTo(2);
        assertThat(t.lakehouse().read(IngestSourceAction.bronze(SourceCatalog.from(t.loaded().config()).get("suppliers")))
                .where(col("NAME").equalTo("Polymer & Co")).count()).isEqualTo(2);
    }

    @Test
    void aLoadLeftHalfDoneIsFinishedWithoutDuplicates() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", "order_id,customer_id,quantity,updated_at",
                "O1,C1,3,2024-01-01T10:00:00Z", "bad line");
        IngestResult first = ingest(t, "orders", D1);
        // Simulate a run that died after writing bronze and rejects but before recording the files as ingested:
        // drop the INGESTED rows from the ledger so only PENDING remains.
        String ledger = t.lakehouse().path(IngestLedger.TABLE);
        t.spark().sql("DELETE FROM delta.`" + ledger + "` WHERE status = 'INGESTED'");
        IngestResult resumed = ingest(t, "orders", D1);
        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.rowsLoaded()).isEqualTo(first.rowsLoaded());
        var spec = SourceCatalog.from(t.loaded().config()).get("orders");
        assertThat(t.lakehouse().read(IngestSourceAction.bronze(spec)).count()).isEqualTo(1);
        assertThat(t.lakehouse().read(IngestSourceAction.REJECTS).count()).isEqualTo(1);
        assertThat(ingest(t, "orders", D1).filesSkipped()).isEqualTo(1);
    }

    @Test
    void anIngestWhileAnotherHoldsTheIngestLockLoadsNothingAndNamesTheHolder() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", "order_id,customer_id,quantity,updated_at",
                "O1,C1,3,2024-01-01T10:00:00Z");
        var spec = SourceCatalog.from(t.loaded().config()).get("orders");
        // another run, of another job and date (a pipeline's ingest stage, say), is ingesting into this lakehouse
        try (var other = dev.lakeforge.runs.RunLock.in(t.lakehouse().fileSystem(), t.lakehouse().root())
                .acquireExclusive(IngestAction.LOCK, "pipeline", D2, "pipeline-other")) {
            assertThatThrownBy(() -> ingest(t, "orders", D1)).isInstanceOf(dev.lakeforge.runs.RunLock.LockedException.class)
                    .hasMessageContaining("Another run holds the ingest lock of this lakehouse: run pipeline-other");
            assertThatThrownBy(() -> ingestAll(t, D1)).isInstanceOf(dev.lakeforge.runs.RunLock.LockedException.class);
            assertThat(t.lakehouse().exists(IngestSourceAction.bronze(spec))).as("nothing loaded").isFalse();
            assertThat(t.lakehouse().exists(IngestLedger.TABLE)).as("nothing recorded").isFalse();
        }
        assertThat(ingest(t, "orders", D1).rowsLoaded()).as("once the lock is free").isEqualTo(1);
    }

    @Test
    void ingestActionReadsTheLedgerOnceAndStillFinishesHalfDoneLoadsAndLoadsNewOnes() {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", "order_id,customer_id,quantity,updated_at",
                "O1,C1,3,2024-01-01T10:00:00Z", "bad line");
        LandingFiles.write(landing(t), "2024-01-01/crm/events.jsonl", "{\"event_id\":\"E1\",\"customer_id\":\"C1\",\"rating\":4,\"event_time\":\"2024-01-01T09:00:00Z\"}");
        var catalog = SourceCatalog.from(t.loaded().config());
        var orders = IngestSourceAction.bronze(catalog.get("orders"));
        var events = IngestSourceAction.bronze(catalog.get("events"));
        assertThat(ingestAll(t, D1)).filteredOn(r -> r.filesLoaded() > 0).extracting(IngestResult::source)
                .containsExactlyInAnyOrder("orders", "events");
        // both loads died after writing bronze, before recording their files as ingested
        t.spark().sql("DELETE FROM delta.`" + t.lakehouse().path(IngestLedger.TABLE) + "` WHERE status = 'INGESTED'");
        LandingFiles.write(landing(t), "2024-01-02/erp/orders.csv", "order_id,customer_id,quantity,updated_at",
                "O2,C2,5,2024-01-02T10:00:00Z");
        List<IngestResult> resumed = ingestAll(t, D1);
        assertThat(resumed).filteredOn(IngestResult::resumed).extracting(IngestResult::source)
                .containsExactlyInAnyOrder("orders", "events");
        assertThat(t.lakehouse().read(orders).count()).as("no duplicates").isEqualTo(1);
        assertThat(t.lakehouse().read(events).count()).isEqualTo(1);
        assertThat(t.lakehouse().read(IngestSourceAction.REJECTS).count()).isEqualTo(1);
        // the next date's file loads under a transaction number above the resumed ones (Delta would skip it otherwise)
        List<IngestResult> next = ingestAll(t, D2);
        assertThat(next).filteredOn(r -> r.source().equals("orders")).singleElement()
                .extracting(IngestResult::filesLoaded, IngestResult::rowsLoaded).containsExactly(1, 1L);
        assertThat(t.lakehouse().read(orders).count()).isEqualTo(2);
        assertThat(ingestAll(t, D2)).allSatisfy(r -> assertThat(r.filesLoaded()).isZero());
    }

    @Test
    void aSourceThatCannotLoadStopsTheIngestBeforeAnySourceWrites() throws Exception {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv", "order_id,customer_id,quantity,updated_at",
                "O1,C1,3,2024-01-01T10:00:00Z");
        LandingFiles.write(landing(t), "2024-01-01/erp/strict.csv", "id,v,extra", "a,1,x");
        assertThatThrownBy(() -> ingestAll(t, D1, "orders", "strict")).isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("new column(s) [extra]");
        var catalog = SourceCatalog.from(t.loaded().config());
        assertThat(t.lakehouse().exists(IngestSourceAction.bronze(catalog.get("orders")))).as("orders not loaded either").isFalse();
        assertThat(t.lakehouse().read(IngestLedger.TABLE).count()).as("no file recorded").isZero();
        java.nio.file.Files.delete(landing(t).resolve("2024-01-01/erp/strict.csv"));
        assertThat(ingestAll(t, D1, "orders", "strict")).extracting(IngestResult::source, IngestResult::rowsLoaded)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("orders", 1L), org.assertj.core.groups.Tuple.tuple("strict", 0L));
    }

    /** The file sources orders and events through {@link IngestAction}, two at a time. */
    private List<IngestResult> ingestAll(TestLakehouse t, LocalDate day) {
        return ingestAll(t, day, "orders", "events");
    }

    private List<IngestResult> ingestAll(TestLakehouse t, LocalDate day, String... sources) {
        SourceCatalog catalog = SourceCatalog.from(t.loaded().config());
        return inIngestRun(t, day, run -> new IngestAction(t.lakehouse(), t.loaded().config().lakehouse().landing()).sources(catalog)
                .only(List.of(sources)).runDate(day).run(run).parallelism(2).execute());
    }
}
