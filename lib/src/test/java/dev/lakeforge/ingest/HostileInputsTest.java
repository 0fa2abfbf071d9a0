package dev.lakeforge.ingest;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.refine.RefineAction;
import dev.lakeforge.runs.JobRunner;
import dev.lakeforge.runs.RunRecord;
import dev.lakeforge.testing.LandingFiles;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A folder of hostile inputs: every one is either loaded as it was written or refused with its reason — no crash
 * without a message, no line lost, no line doubled.
 */
@ExtendWith(SparkExtension.class)
class HostileInputsTest {
    static final String CONF = """
            lakeforge.sources.orders {
              format = csv
              path = "*/erp/orders*.csv"
              schema = "order_id STRING, note STRING, quantity INT, amount DOUBLE, ordered_at TIMESTAMP"
              primary-key = [order_id]
              event-time = ordered_at
            }
            """;
    static final String HEADER = "order_id,note,quantity,amount,ordered_at";
    static final LocalDate DAY = LocalDate.of(2024, 1, 1);

    record Loaded(RunRecord record, List<IngestResult> results) {
    }

    private Loaded ingest(TestLakehouse t) {
        SourceCatalog catalog = SourceCatalog.from(t.loaded().config());
        List<IngestResult> results = new java.util.ArrayList<>();
        RunRecord r = new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream())).run("ingest", DAY, run -> {
            results.add(new IngestSourceAction(t.lakehouse(), t.loaded().config().lakehouse().landing()).source(catalog.get("orders"))
                    .runDate(DAY).run(run).execute());
            new RefineAction(t.lakehouse()).sources(catalog).runDate(DAY).run(run).execute();
        });
        return new Loaded(r, results);
    }

    private static Path landing(TestLakehouse t) {
        return Path.of(t.loaded().config().lakehouse().landing());
    }

    @Test
    void hostileLinesAreKeptExactlyOrRejectedWithTheirReason() throws IOException {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        Lakehouse lake = t.lakehouse();
        String sql = "x'); DROP TABLE silver.orders; --";
        String shell = "$(rm -rf /) `id` && echo pwned | tee /etc/passwd";
        String unicode = "Ünïcödé ✓ 𝄞 😀 مرحبا שלום 中文 e\u0301 \u200b";
        Path file = LandingFiles.write(landing(t), "2024-01-01/erp/orders.csv",
                HEADER,
                "O1,\"" + sql.replace("\"", "\"\"") + "\",1,1.5,2024-01-01T10:00:00Z",
                "O2,\"" + shell + "\",2,2.5,2024-01-01T10:00:00Z",
                "O3," + unicode + ",3,3.5,2024-01-01T10:00:00Z",
                "O4,huge,99999999999999999999,1e308,2024-01-01T10:00:00Z",
                "O5,tiny,-2147483648,-1e-320,0001-01-01T00:00:00Z",
                "O6,far future,5,5.5,9999-12-31T23:59:59Z",
                "O7;semicolons;instead;of;commas",
                "O8,\"a \"\"quoted\"\" note, with a comma\",8,8.5,2024-01-01T10:00:00Z");
        // a line of binary garbage (not UTF-8) and a 1 GB line, appended as raw bytes
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            byte[] garbage = new byte[200];
            new java.util.Random(7).nextBytes(garbage);
            for (int i = 0; i < garbage.length; i++) {
                if (garbage[i] == '\n' || garbage[i] == '\r') {
                    garbage[i] = (byte) 0xC3;
                }
            }
            garbage[0] = (byte) 0xFF;
            out.write(garbage);
            out.write('\n');
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'x');
            out.write("O9,".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 1024; i++) {
                out.write(chunk);
            }
            out.write(",9,9.5,2024-01-01T10:00:00Z\n".getBytes(StandardCharsets.UTF_8));
            out.write("O10,after the giant,10,10.5,2024-01-01T10:00:00Z\n".getBytes(StandardCharsets.UTF_8));
        }
        try {
            Loaded l = ingest(t);
            assertThat(l.record().succeeded()).as(l.record().errorMessage()).isTrue();
            IngestResult r = l.results().get(0);
            // 11 data lines: 8 kept, 3 refused (semicolons, garbage, the giant), none lost
            assertThat(r.rowsLoaded() + r.rowsRejected()).isEqualTo(11);
            assertThat(r.rowsRejected()).isEqualTo(3);

            Map<String, String> reasons = lake.read(IngestSourceAction.REJECTS).collectAsList().stream()
                    .collect(Collectors.toMap(x -> String.valueOf(x.<Long>getAs("line_number")), x -> x.<String>getAs("reason")));
            assertThat(reasons).containsOnlyKeys("8", "10", "11");
            assertThat(reasons.get("8")).startsWith("expected 5 fields as in the header, found 1");
            assertThat(reasons.get("10")).contains("not valid UTF-8");
            assertThat(reasons.get("11")).contains("1,073,741,8").contains("longer than the 16,777,216-byte limit");

            Dataset<Row> bronze = lake.read(TableName.of("bronze", "orders"));
            assertThat(note(bronze, "O1")).isEqualTo(sql);
            assertThat(note(bronze, "O2")).isEqualTo(shell);
            assertThat(note(bronze, "O3")).isEqualTo(unicode);
            assertThat(note(bronze, "O8")).isEqualTo("a \"quoted\" note, with a comma");
            assertThat(bronze.where(col("order_id").equalTo("O10")).first().<Long>getAs("_line_number")).as("counted past the giant")
                    .isEqualTo(12L);

            // silver: values typed where they fit, refused with the reason where they do not
            Dataset<Row> silver = lake.read(TableName.of("silver", "orders"));
            assertThat(silver.select("order_id").collectAsList()).extracting(x -> x.getString(0))
                    .containsExactlyInAnyOrder("O1", "O2", "O3", "O5", "O6", "O8", "O10");
            assertThat(silver.where(col("order_id").equalTo("O6")).first().<java.sql.Timestamp>getAs("ordered_at").toInstant())
                    .isEqualTo(java.time.Instant.parse("9999-12-31T23:59:59Z"));
            assertThat(silver.where(col("order_id").equalTo("O1")).first().<String>getAs("note")).isEqualTo(sql);
            Row huge = lake.read(TableName.of("quarantine", "orders")).where(col("order_id").equalTo("O4")).first();
            assertThat(huge.<scala.collection.Seq<String>>getAs("_reasons").mkString("|")).contains("type_error:quantity");
            assertThat(huge.<String>getAs("quantity")).as("the raw value is kept").isEqualTo("99999999999999999999");
            // the tables the text named are still there
            assertThat(lake.exists(TableName.of("silver", "orders"))).isTrue();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String note(Dataset<Row> bronze, String id) {
        return bronze.where(col("order_id").equalTo(id)).first().getAs("note");
    }

    @Test
    void hostileFilesAreRecordedOrStopTheLoadWithAClearMessage() throws IOException {
        TestLakehouse t = SparkExtension.newLakehouseWithConf(CONF);
        Path land = landing(t);
        LandingFiles.write(land, "2024-01-01/erp/orders.csv", HEADER, "O1,first,1,1.0,2024-01-01T10:00:00Z");
        LandingFiles.write(land, "2024-01-01/erp/orders_copy.csv", HEADER, "O1,first,1,1.0,2024-01-01T10:00:00Z"); // same bytes, new name
        LandingFiles.write(land, "2024-01-01/erp/orders_header_only.csv", HEADER);
        Files.write(land.resolve("2024-01-01/erp/orders_empty.csv"), new byte[0]);
        Loaded ok = ingest(t);
        assertThat(ok.record().succeeded()).as(ok.record().errorMessage()).isTrue();
        IngestResult r = ok.results().get(0);
        assertThat(r.filesFound()).isEqualTo(4);
        assertThat(r.filesDuplicate()).isEqualTo(1);
        assertThat(r.filesEmpty()).isEqualTo(1);
        assertThat(r.rowsLoaded()).as("the copy is not loaded twice").isEqualTo(1);
        List<Row> ledger = t.lakehouse().read(TableName.of("ops", "ingest_ledger")).collectAsList();
        assertThat(ledger).extracting(x -> x.<String>getAs("relative_path").replaceAll(".*/", "") + ":" + x.<String>getAs("status"))
                .contains("orders_empty.csv:EMPTY", "orders_header_only.csv:INGESTED");
        assertThat(ledger.stream().filter(x -> x.<String>getAs("relative_path").endsWith("orders_copy.csv")).findFirst().orElseThrow()
                .<String>getAs("note")).contains("orders.csv");

        // files whose header is not the source's: the load stops, says why, and changes nothing
        for (Map.Entry<String, byte[]> bad : Map.of(
                "orders_semicolons.csv", (HEADER.replace(',', ';') + "\nO2;x;1;1.0;2024-01-01T10:00:00Z\n").getBytes(StandardCharsets.UTF_8),
                "orders_utf16.csv", (HEADER + "\nO2,x,1,1.0,2024-01-01T10:00:00Z\n").getBytes(StandardCharsets.UTF_16),
                "orders_binary.csv", garbage()).entrySet()) {
            Path f = land.resolve("2024-01-02/erp/" + bad.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, bad.getValue());
            long bronzeBefore = t.lakehouse().version(TableName.of("bronze", "orders")).orElseThrow();
            SourceCatalog catalog = SourceCatalog.from(t.loaded().config());
            RunRecord rec = new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream())).run("ingest",
                    DAY.plusDays(1), run -> new IngestSourceAction(t.lakehouse(), land.toString()).source(catalog.get("orders"))
                            .runDate(DAY.plusDays(1)).run(run).execute());
            assertThat(rec.succeeded()).as(bad.getKey()).isFalse();
            assertThat(rec.errorMessage()).as(bad.getKey()).contains(bad.getKey()).contains("Nothing was loaded");
            assertThat(t.lakehouse().version(TableName.of("bronze", "orders")).orElseThrow()).isEqualTo(bronzeBefore);
            Files.delete(f);
        }
    }

    private static byte[] garbage() {
        byte[] b = new byte[4096];
        new java.util.Random(11).nextBytes(b);
        return b;
    }
}
