package dev.lakeforge.ingest;

import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/**
 * The ledger of landing files ({@code ops.ingest_ledger}): which file was loaded into which bronze table, by
 * checksum, so that a file is never loaded twice — not on a re-run, not under a new name.
 * <p>
 * A load first records its files as {@code PENDING} with a transaction number, then writes bronze and rejects
 * as idempotent Delta writes under that number, then records the files as {@code INGESTED}. A load that died
 * half-way is finished by the next run with the same files and number, so Delta skips what was already
 * committed: nothing is lost and nothing is doubled.
 */
public final class IngestLedger {
    public static final TableName TABLE = TableName.of("ops", "ingest_ledger");
    public static final String PENDING = "PENDING";
    public static final String INGESTED = "INGESTED";
    public static final String DUPLICATE = "DUPLICATE";
    public static final String EMPTY = "EMPTY";

    static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField("source", DataTypes.StringType, false),
            DataTypes.createStructField("file", DataTypes.StringType, false),
            DataTypes.createStructField("relative_path", DataTypes.StringType, false),
            DataTypes.createStructField("checksum", DataTypes.StringType, false),
            DataTypes.createStructField("size_bytes", DataTypes.LongType, false),
            DataTypes.createStructField("batch_date", DataTypes.DateType, true),
            DataTypes.createStructField("status", DataTypes.StringType, false),
            DataTypes.createStructField("txn_version", DataTypes.LongType, true),
            DataTypes.createStructField("run_id", DataTypes.StringType, false),
            DataTypes.createStructField("recorded_at", DataTypes.TimestampType, false),
            DataTypes.createStructField("rows", DataTypes.LongType, true),
            DataTypes.createStructField("rejected", DataTypes.LongType, true),
            DataTypes.createStructField("note", DataTypes.StringType, true),
            // added in 0.1 after the first ledgers were written: appends evolve an older ledger, whose rows have it null
            DataTypes.createStructField("modified_at", DataTypes.TimestampType, true)});

    private final Lakehouse lakehouse;

    public IngestLedger(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    /** One ledger row. */
    public record Entry(String source, LandingFile file, String status, Long txnVersion, String runId, Long rows, Long rejected,
                        String note) {
    }

    /** A file the ledger holds as handled (not pending): what the landing scan compares before reading it again. */
    public record Recorded(long size, long modifiedAt, String checksum) {
    }

    /**
     * The state of one source in the ledger: checksums handled (with the path first recorded for each), the rows of a
     * load a stopped run left pending, and the handled files by relative path (those recorded with a modification time).
     */
    public record State(Map<String, String> doneByChecksum, List<Row> pending, long pendingTxn, Map<String, Recorded> recorded) {
        /** A source the ledger has no rows for. */
        public static final State NONE = new State(Map.of(), List.of(), -1, Map.of());

        public boolean hasPending() {
            return !pending.isEmpty();
        }
    }

    /** The state of one source (one read of the ledger). */
    public State state(String source) {
        return states(col("source").equalTo(source)).getOrDefault(source, State.NONE);
    }

    /**
     * The state of every source in the ledger, in one read; a source absent from the map has no ledger rows. Read it
     * under the ingest lock ({@link IngestAction} holds it): a concurrent load could otherwise change it.
     */
    public Map<String, State> states() {
        return states(null);
    }

    private Map<String, State> states(org.apache.spark.sql.Column filter) {
        if (!lakehouse.exists(TABLE)) {
            return Map.of();
        }
        Dataset<Row> ledger = lakehouse.read(TABLE);
        org.apache.spark.sql.Column modified = java.util.Arrays.asList(ledger.columns()).contains("modified_at")
                ? col("modified_at") : org.apache.spark.sql.functions.lit(null).cast(DataTypes.TimestampType);
        List<Row> rows = (filter == null ? ledger : ledger.where(filter))
                .select(col("source"), col("relative_path"), col("checksum"), col("status"), col("txn_version"), col("size_bytes"),
                        modified).collectAsList();
        Map<String, List<Row>> bySource = new HashMap<>();
        for (Row r : rows) {
            bySource.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(RowFactory.create(r.getString(1), r.getString(2),
                    r.getString(3), r.isNullAt(4) ? null : r.getLong(4), r.getLong(5), r.isNullAt(6) ? null : r.getTimestamp(6)));
        }
        Map<String, State> out = new HashMap<>();
        bySource.forEach((source, sourceRows) -> out.put(source, state(sourceRows)));
        return out;
    }

    /** A source's state from its ledger rows (relative_path, checksum, status, txn_version, size_bytes, modified_at). */
    private static State state(List<Row> rows) {
        Map<String, String> done = new HashMap<>();
        Map<String, Recorded> recorded = new HashMap<>();
        Set<Long> completed = new HashSet<>();
        for (Row r : rows) {
            String status = r.getString(2);
            if (!PENDING.equals(status)) {
                done.putIfAbsent(r.getString(1), r.getString(0));
                if (!r.isNullAt(5)) {
                    // a file changed in place has rows for each content: its newest state is what the scan compares
                    recorded.merge(r.getString(0), new Recorded(r.getLong(4), r.getTimestamp(5).getTime(), r.getString(1)),
                            (a, b) -> a.modifiedAt() >= b.modifiedAt() ? a : b);
                }
                if (!r.isNullAt(3)) {
                    completed.add(r.getLong(3));
                }
            }
        }
        List<Row> pending = new ArrayList<>();
        long txn = -1;
        for (Row r : rows) {
            if (PENDING.equals(r.getString(2)) && !completed.contains(r.getLong(3))) {
                pending.add(r);
                txn = Math.max(txn, r.getLong(3));
            }
        }
        long pendingTxn = txn;
        pending.removeIf(r -> r.getLong(3) != pendingTxn);
        return new State(done, pending, pendingTxn, recorded);
    }

    /** Creates the (empty) ledger unless it exists: before sources load in parallel, so that they do not race to create it. */
    public void ensureTable() {
        // nullable, as the table the first append created was (no NOT NULL constraints for Delta to check on each write)
        StructType nullable = new StructType(java.util.Arrays.stream(SCHEMA.fields())
                .map(f -> DataTypes.createStructField(f.name(), f.dataType(), true)).toArray(StructField[]::new));
        lakehouse.createIfMissing(TABLE, b -> b.addColumns(nullable));
    }

    /** Appends entries; returns the ledger's Delta version after the append. */
    public long append(List<Entry> entries) {
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        for (Entry e : entries) {
            LandingFile f = e.file();
            rows.add(RowFactory.create(e.source(), f.path(), f.relative(), f.checksum(), f.size(),
                    f.batchDate().map(Date::valueOf).orElse(null), e.status(), e.txnVersion(), e.runId(), now, e.rows(),
                    e.rejected(), e.note(), f.modifiedAt() > 0 ? new Timestamp(f.modifiedAt()) : null));
        }
        Dataset<Row> df = lakehouse.spark().createDataFrame(rows, SCHEMA).coalesce(1);
        ConflictRetry.run(lakehouse.retry(), "append to " + TABLE,
                () -> df.write().format("delta").mode("append").option("mergeSchema", "true").save(lakehouse.path(TABLE)));
        return lakehouse.version(TABLE).orElseThrow();
    }

    /** The next transaction number: strictly above every number used so far. */
    public long nextTxn() {
        return lakehouse.version(TABLE).orElse(-1L) + 1;
    }
}
