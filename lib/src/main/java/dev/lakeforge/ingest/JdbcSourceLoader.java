package dev.lakeforge.ingest;

import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Loads a {@code jdbc} source: one extract per run date (the query may use {@code {run_date}}), recorded in the
 * ledger under {@code jdbc:<source>/<run date>} so re-running the date loads nothing twice.
 */
final class JdbcSourceLoader {
    private final Lakehouse lakehouse;
    private final SourceSpec spec;
    private final LocalDate runDate;
    private final JobRun run;

    JdbcSourceLoader(Lakehouse lakehouse, SourceSpec spec, LocalDate runDate, JobRun run) {
        this.lakehouse = lakehouse;
        this.spec = spec;
        this.runDate = runDate;
        this.run = run;
    }

    IngestResult execute() {
        String pseudoPath = "jdbc:" + spec.name() + "/" + runDate;
        String checksum = sha256(pseudoPath);
        LandingFile extract = new LandingFile(pseudoPath, pseudoPath, Optional.of(runDate), 0, checksum, LineIndex.NONE, 0, false);
        IngestLedger ledger = new IngestLedger(lakehouse);
        TableName bronze = IngestSourceAction.bronze(spec);
        if (ledger.state(spec.name()).doneByChecksum().containsKey(checksum)) {
            return new IngestResult(spec.name(), 1, 0, 1, 0, 0, 0, 0, lakehouse.version(bronze).orElse(-1L), List.of(), false);
        }
        long txn = ledger.nextTxn();
        ledger.append(List.of(new IngestLedger.Entry(spec.name(), extract, IngestLedger.PENDING, txn, run.runId(), null, null, null)));

        DataFrameReader reader = lakehouse.spark().read().format("jdbc");
        for (Map.Entry<String, String> o : spec.options().entrySet()) {
            String v = o.getValue().replace("{run_date}", runDate.toString());
            reader = reader.option(o.getKey(), v);
        }
        if (spec.passwordEnv().isPresent()) {
            String pw = System.getenv(spec.passwordEnv().get());
            if (pw == null) {
                throw new IllegalStateException("Source " + spec.name() + ": environment variable " + spec.passwordEnv().get()
                        + " (its password-env) is not set");
            }
            reader = reader.option("password", pw);
        }
        Dataset<Row> df = reader.load();
        List<String> missing = spec.columns().stream().filter(c -> !List.of(df.columns()).contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IncompatibleSchemaException("Source " + spec.name() + ": the JDBC extract lacks the declared column(s) " + missing
                    + " (it has " + List.of(df.columns()) + "). Nothing was loaded.");
        }
        List<Column> select = new ArrayList<>();
        List<Column> hash = new ArrayList<>();
        for (String c : spec.columns()) {
            select.add(col(c).cast(DataTypes.StringType).as(c));
            hash.add(col(c).cast(DataTypes.StringType));
        }
        select.add(lit(pseudoPath).as(StagingSchema.SOURCE_FILE));
        select.add(lit(checksum).as(StagingSchema.FILE_CHECKSUM));
        select.add(lit(java.sql.Date.valueOf(runDate)).as(StagingSchema.BATCH_DATE));
        select.add(lit(0L).as(StagingSchema.BYTE_OFFSET));
        select.add(lit(null).cast(DataTypes.LongType).as(StagingSchema.LINE_NUMBER));
        select.add(lit(Timestamp.from(Instant.now())).as(IngestSourceAction.INGEST_TIME));
        select.add(lit(run.runId()).as(IngestSourceAction.RUN_ID));
        select.add(dev.lakeforge.lake.RowHash.of(hash).as(IngestSourceAction.ROW_HASH));
        Dataset<Row> out = df.select(select.toArray(Column[]::new));
        ConflictRetry.run(lakehouse.retry(), "append to " + bronze, () -> out.write().format("delta").mode("append")
                .option("txnAppId", "lakeforge.ingest." + spec.name()).option("txnVersion", txn).save(lakehouse.path(bronze)));
        long rows = lakehouse.read(bronze).where(col(StagingSchema.FILE_CHECKSUM).equalTo(checksum)).count();
        ledger.append(List.of(new IngestLedger.Entry(spec.name(), extract, IngestLedger.INGESTED, txn, run.runId(), rows, 0L, null)));
        long version = lakehouse.version(bronze).orElseThrow();
        run.wrote(bronze.toString(), version, rows);
        run.count(spec.name() + ".rows_in", rows);
        run.count(spec.name() + ".rows_loaded", rows);
        return new IngestResult(spec.name(), 1, 1, 0, 0, 0, rows, 0, version, List.of(), false);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
