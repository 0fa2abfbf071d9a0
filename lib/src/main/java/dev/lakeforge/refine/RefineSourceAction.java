package dev.lakeforge.refine;

import dev.lakeforge.ingest.IngestSourceAction;
import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.RowHash;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.quality.Expectation;
import dev.lakeforge.quality.QualityResults;
import dev.lakeforge.quality.Reference;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Refines one source's new bronze rows into its silver table:
 * typing and standardisation, row-level rules (quarantine with reasons, warning flags), referential checks,
 * de-duplication, then a MERGE on the key (latest event wins; SCD2 keeps history), and table-level checks.
 * <pre>
 *   RefineResult r = new RefineSourceAction(lakehouse).source(spec).runDate(d).run(jobRun).execute();
 * </pre>
 * Bronze rows are picked up through Delta's change data feed from the version after the last one refined, so a
 * new run date touches only what arrived since, and re-running a date finds nothing new.
 */
public final class RefineSourceAction {
    public static final String CONTENT_HASH = "_content_hash";
    public static final String ATTR_HASH = "_attr_hash";
    public static final String VALID_FROM = "valid_from";
    public static final String VALID_TO = "valid_to";
    public static final String IS_CURRENT = "is_current";
    public static final String REFINED_RUN = "_refined_run_id";
    public static final String REFINED_AT = "_refined_at";
    private static final String MERGE_KEY = "_merge_key";
    private static final String RANK = "_rank";
    private static final String KEPT_HASH = "_kept_hash";
    private static final String RANK_SCD2 = "_rank_scd2";
    private static final String GOOD = "_good";
    private static final List<String> CARRIED_META = List.of("_source_file", "_batch_date", "_line_number");
    private static final Logger LOG = LoggerFactory.getLogger(RefineSourceAction.class);

    private final Lakehouse lakehouse;
    private SourceSpec spec;
    private LocalDate runDate;
    private JobRun run;
    private List<QualityResults.Result> checkResults = List.of();
    private RefineWatermarks.Mark watermark;

    public RefineSourceAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public RefineSourceAction source(SourceSpec spec) {
        this.spec = spec;
        return this;
    }

    public RefineSourceAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public RefineSourceAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public static TableName silver(SourceSpec spec) {
        return TableName.of("silver", spec.name());
    }

    public static TableName quarantine(SourceSpec spec) {
        return TableName.of("quarantine", spec.name());
    }

    /** The results of this source's checks, after {@link #execute()} (RefineAction records them). */
    List<QualityResults.Result> checkResults() {
        return checkResults;
    }

    /** How far this source got, after {@link #execute()}; null when there was nothing new to refine. */
    RefineWatermarks.Mark watermark() {
        return watermark;
    }

    /** Bronze rows not refined yet, and the bronze version they go up to; empty when there is nothing new. */
    record NewRows(Dataset<Row> rows, long fromVersion, long toVersion) {
    }

    NewRows newBronzeRows() {
        TableName bronze = IngestSourceAction.bronze(spec);
        if (!lakehouse.exists(bronze)) {
            return null;
        }
        long to = lakehouse.version(bronze).orElseThrow();
        long from = new RefineWatermarks(lakehouse).last(spec.name()) + 1;
        if (from > to) {
            return null;
        }
        Dataset<Row> changes = lakehouse.spark().read().format("delta").option("readChangeFeed", "true")
                .option("startingVersion", from).option("endingVersion", to).load(lakehouse.path(bronze))
                .where(col("_change_type").equalTo("insert"))
                .drop("_change_type", "_commit_version", "_commit_timestamp");
        return new NewRows(changes, from, to);
    }

    /** Phase one: the {@code fail} expectations over the new rows, before anything is written. */
    public List<QualityResults.Result> failedFailChecks() {
        if (spec.expectations().stream().noneMatch(e -> e.action() == Expectation.Action.FAIL)) {
            return List.of();
        }
        NewRows rows = newBronzeRows();
        if (rows == null) {
            return List.of();
        }
        Dataset<Row> prepared = SilverPreparation.prepare(rows.rows(), spec);
        List<QualityResults.Result> failed = new ArrayList<>();
        for (Expectation e : spec.expectations()) {
            if (e.action() != Expectation.Action.FAIL) {
                continue;
            }
            Row r = prepared.agg(count(lit(1)), sum(when(org.apache.spark.sql.functions.array_contains(col(SilverPreparation.FAILS),
                    "expectation:" + e.name()), 1).otherwise(0))).first();
            long total = r.getLong(0);
            long bad = r.isNullAt(1) ? 0 : r.getLong(1);
            if (bad > 0) {
                failed.add(new QualityResults.Result(silver(spec).toString(), e.name(), "expectation", "fail", false, bad, total,
                        e.sql()));
            }
        }
        return failed;
    }

    public RefineResult execute() {
        TableName silver = silver(spec);
        dev.lakeforge.runs.StepClock clock = new dev.lakeforge.runs.StepClock();
        NewRows fresh = newBronzeRows();
        if (fresh == null) {
            long version = lakehouse.version(silver).orElse(-1L);
            long rows = version < 0 ? 0 : lakehouse.read(silver).count();
            LOG.info("Source {}: no new bronze rows since the last refine; {} unchanged", spec.name(), silver);
            return new RefineResult(spec.name(), 0, 0, 0, 0, 0, 0, 0, rows, version, new RefineWatermarks(lakehouse).last(spec.name()));
        }
        long silverRowsBefore = lakehouse.exists(silver) ? lakehouse.read(silver).count() : 0;
        clock.lap("start");

        Dataset<Row> prepared = withReferences(SilverPreparation.prepare(fresh.rows(), spec));
        prepared = slim(markDuplicates(prepared)).persist(StorageLevel.DISK_ONLY());
        try {
            List<String> tags = rowTags();
            List<Column> aggregates = new ArrayList<>(List.of(
                    sum(when(size(col(SilverPreparation.REASONS)).gt(0), 1).otherwise(0)),
                    sum(when(size(col(SilverPreparation.REASONS)).equalTo(0).and(col(RANK).gt(1))
                            .and(col(CONTENT_HASH).equalTo(col(KEPT_HASH))), 1).otherwise(0)),
                    sum(when(size(col(SilverPreparation.REASONS)).equalTo(0).and(col(RANK).gt(1))
                            .and(col(CONTENT_HASH).notEqual(col(KEPT_HASH))), 1).otherwise(0)),
                    sum(when(size(col(SilverPreparation.REASONS)).equalTo(0).and(col(RANK).equalTo(1))
                            .and(size(col(SilverPreparation.WARNINGS)).gt(0)), 1).otherwise(0))));
            tags.forEach(t -> aggregates.add(rowsTagged(t)));
            Row counts = prepared.agg(count(lit(1)), aggregates.toArray(Column[]::new)).first();
            long rowsIn = counts.getLong(0);
            long quarantined = nz(counts, 1);
            long batchDuplicates = nz(counts, 2);
            long batchSuperseded = nz(counts, 3);
            long warned = nz(counts, 4);
            Map<String, Long> tagged = new LinkedHashMap<>();
            for (int i = 0; i < tags.size(); i++) {
                tagged.put(tags.get(i), nz(counts, 5 + i));
            }

            List<QualityResults.Result> results = rowResults(tagged, rowsIn);
            clock.lap("batch");
            if (quarantined > 0) {
                writeQuarantine(prepared.where(size(col(SilverPreparation.REASONS)).gt(0)), fresh.toVersion());
                dev.lakeforge.runs.CrashPoints.reach(dev.lakeforge.runs.CrashPoints.REFINE_QUARANTINE_WRITTEN);
            }
            clock.lap("quarantine");
            Dataset<Row> good = prepared.where(size(col(SilverPreparation.REASONS)).equalTo(0).and(col(RANK).equalTo(1)));
            Map<String, Long> merged = switch (spec.silverMode()) {
                case "scd2" -> mergeScd2(prepared.where(size(col(SilverPreparation.REASONS)).equalTo(0)));
                case "append" -> silverRowsBefore == 0 ? appendToEmpty(good, fresh.toVersion()) : mergeAppend(good);
                default -> silverRowsBefore == 0 ? appendToEmpty(good, fresh.toVersion()) : mergeUpsert(good);
            };
            dev.lakeforge.runs.CrashPoints.reach(dev.lakeforge.runs.CrashPoints.REFINE_SILVER_COMMITTED);
            clock.lap("merge");
            long sourceRows = merged.getOrDefault("numSourceRows", 0L);
            long inserted = merged.getOrDefault("numTargetRowsInserted", 0L);
            long updated = merged.getOrDefault("numTargetRowsUpdated", 0L);
            long silverVersion = lakehouse.version(silver).orElseThrow();
            long silverRows = lakehouse.read(silver).count();
            long notApplied;
            long superseded;
            if ("scd2".equals(spec.silverMode())) {
                // history is kept: every good row either became a version or repeated a known state
                notApplied = rowsIn - quarantined - inserted;
                superseded = 0;
            } else {
                notApplied = sourceRows - inserted - updated;
                superseded = batchSuperseded + updated;
            }
            long duplicates = ("scd2".equals(spec.silverMode()) ? 0 : batchDuplicates) + notApplied;

            results.addAll(tableChecks(silverRowsBefore, silverRows, inserted, good));
            clock.lap("checks");
            // written by RefineAction in one commit per table, once every source is through
            this.checkResults = List.copyOf(results);
            this.watermark = new RefineWatermarks.Mark(spec.name(), fresh.toVersion(), silverVersion);

            run.read(IngestSourceAction.bronze(spec).toString(), fresh.toVersion(), rowsIn);
            run.wrote(silver.toString(), silverVersion, silverRows);
            run.count(spec.name() + ".rows_refined", inserted + updated);
            run.count(spec.name() + ".rows_quarantined", quarantined);
            run.count(spec.name() + ".rows_duplicates", duplicates);
            run.count(spec.name() + ".rows_superseded", superseded);
            List<QualityResults.Result> failedTableChecks = results.stream()
                    .filter(r -> !r.passed() && "table".equals(r.kind()) && "fail".equals(r.action())).toList();
            if (!failedTableChecks.isEmpty()) {
                throw new dev.lakeforge.quality.QualityFailedException(failedTableChecks);
            }
            RefineResult result = new RefineResult(spec.name(), rowsIn, quarantined, duplicates, superseded, inserted, updated, warned,
                    silverRows, silverVersion, fresh.toVersion());
            LOG.info("Source {}: {} rows in → {} inserted, {} updated, {} quarantined, {} duplicates, {} superseded; {} has {} rows (v{}),"
                    + " in {}", spec.name(), rowsIn, inserted, updated, quarantined, duplicates, superseded, silver, silverRows,
                    silverVersion, clock);
            return result;
        } finally {
            prepared.unpersist();
        }
    }

    /**
     * Only what the passes over the batch need: typed columns, raw values of refused rows only (what quarantine
     * shows; null for good rows, which costs nothing), verdicts, hashes, ranks and the metadata silver and quarantine
     * carry. The batch is kept on disk for those passes, so its width is most of what refine writes and reads again.
     */
    private Dataset<Row> slim(Dataset<Row> df) {
        List<Column> keep = new ArrayList<>();
        Column refused = size(col(SilverPreparation.REASONS)).gt(0);
        for (StructField f : spec.schema().fields()) {
            keep.add(col(f.name()));
            keep.add(when(refused, col(SilverPreparation.RAW + f.name())).as(SilverPreparation.RAW + f.name()));
        }
        for (String c : List.of(SilverPreparation.REASONS, SilverPreparation.WARNINGS, "_source_file", "_batch_date", "_line_number",
                "_byte_offset", IngestSourceAction.ROW_HASH, IngestSourceAction.RUN_ID, CONTENT_HASH, RANK, KEPT_HASH, RANK_SCD2)) {
            keep.add(col(c));
        }
        if ("scd2".equals(spec.silverMode())) {
            keep.add(col(ATTR_HASH));
        }
        return df.select(keep.toArray(Column[]::new));
    }

    private static long nz(Row r, int i) {
        return r.isNullAt(i) ? 0 : r.getLong(i);
    }

    /** Unknown foreign keys become quarantine reasons. */
    private Dataset<Row> withReferences(Dataset<Row> df) {
        List<Column> reasons = new ArrayList<>();
        int i = 0;
        for (Reference ref : spec.references()) {
            TableName target = TableName.parse(ref.table());
            String found = "_ref_found_" + i;
            String key = "_ref_key_" + i;
            Dataset<Row> keys;
            if (lakehouse.exists(target)) {
                Dataset<Row> t = lakehouse.read(target);
                if (Arrays.asList(t.columns()).contains(IS_CURRENT)) {
                    t = t.where(col(IS_CURRENT));
                }
                keys = t.select(col(ref.key()).cast(DataTypes.StringType).as(key)).distinct().withColumn(found, lit(true));
            } else {
                keys = lakehouse.spark().emptyDataFrame().select(lit(null).cast(DataTypes.StringType).as(key),
                        lit(true).as(found));
            }
            df = df.join(keys, col(ref.column()).cast(DataTypes.StringType).equalTo(col(key)), "left").drop(key);
            reasons.add(when(col(ref.column()).isNotNull().and(col(found).isNull()),
                    concat(lit("unknown_reference:" + ref.column() + ": '"), col(ref.column()).cast(DataTypes.StringType),
                            lit("' is not in " + ref.table() + "." + ref.key()))));
            i++;
        }
        if (reasons.isEmpty()) {
            return df;
        }
        Column all = org.apache.spark.sql.functions.concat(col(SilverPreparation.REASONS), array_compact(array(reasons.toArray(Column[]::new))));
        df = df.withColumn(SilverPreparation.REASONS, all);
        for (int j = 0; j < i; j++) {
            df = df.drop("_ref_found_" + j);
        }
        return df;
    }

    /**
     * Ranks versions of each record in the batch: rank 1 is kept; {@value #KEPT_HASH} is the kept row's content;
     * {@value #RANK_SCD2} is 1 for the first row of each event time (the state SCD2 keeps for it). One window, so
     * one shuffle and sort of the batch: rows of one key and event time are adjacent in it, so the first of them
     * is the one whose predecessor has another event time. The order is total (content, then file and place), so
     * a batch computed twice ranks the same.
     */
    private Dataset<Row> markDuplicates(Dataset<Row> df) {
        List<Column> content = new ArrayList<>();
        List<Column> attrs = new ArrayList<>();
        for (StructField f : spec.schema().fields()) {
            Column v = col(f.name());
            content.add(v);
            if (!spec.primaryKey().contains(f.name()) && !f.name().equals(spec.eventTime())) {
                attrs.add(v);
            }
        }
        boolean scd2 = "scd2".equals(spec.silverMode());
        df = df.withColumn(CONTENT_HASH, RowHash.of(content));
        if (scd2) {
            df = df.withColumn(ATTR_HASH, RowHash.of(attrs));
        }
        List<Column> keyCols = "append".equals(spec.silverMode()) || spec.primaryKey().isEmpty()
                ? List.of(col(CONTENT_HASH)) : spec.primaryKey().stream().map(org.apache.spark.sql.functions::col).toList();
        // Quarantined rows do not compete with good ones. The flag is a column of its own: an expression in the
        // partitioning would be a new one for every window, and each would shuffle the batch again.
        df = df.withColumn(GOOD, size(col(SilverPreparation.REASONS)).equalTo(0));
        List<Column> partition = new ArrayList<>(keyCols);
        partition.add(col(GOOD));
        WindowSpec w = Window.partitionBy(partition.toArray(Column[]::new))
                .orderBy(col(spec.eventTime()).desc_nulls_last(), col(CONTENT_HASH).desc(), col("_source_file").desc(),
                        col("_byte_offset").desc());
        Column time = col(spec.eventTime());
        Column rank = row_number().over(w);
        Column firstOfItsTime = rank.equalTo(1).or(not(org.apache.spark.sql.functions.lag(time, 1).over(w).eqNullSafe(time)));
        return df.select(col("*"), rank.as(RANK),
                        first(col(CONTENT_HASH)).over(w.rowsBetween(Window.unboundedPreceding(), Window.currentRow())).as(KEPT_HASH),
                        when(firstOfItsTime, 1).otherwise(2).as(RANK_SCD2))
                .drop(GOOD);
    }

    /** Every row-level check's tag (as in the reasons and warnings arrays), in the order results are reported. */
    private List<String> rowTags() {
        List<String> tags = new ArrayList<>();
        spec.required().forEach(c -> tags.add("missing_required:" + c));
        for (StructField f : spec.schema().fields()) {
            if (!f.dataType().equals(DataTypes.StringType)) {
                tags.add("type_error:" + f.name());
            }
        }
        spec.units().forEach(u -> tags.add("unknown_unit:" + u.unitColumn()));
        spec.flagMissing().forEach(c -> tags.add("missing:" + c));
        spec.expectations().stream().filter(e -> e.action() != Expectation.Action.FAIL).forEach(e -> tags.add("expectation:" + e.name()));
        spec.references().forEach(r -> tags.add("unknown_reference:" + r.column()));
        return tags;
    }

    /**
     * Rows carrying a tag — one aggregate per tag, computed in the same pass as the batch counts. The lambda runs
     * only for rows with a reason or warning at all (a few in a hundred): higher-order functions are interpreted,
     * and evaluating one per tag on every row cost a refine more than its MERGE.
     */
    private static Column rowsTagged(String tag) {
        Column flagged = size(col(SilverPreparation.REASONS)).gt(0).or(size(col(SilverPreparation.WARNINGS)).gt(0));
        Column tagged = expr("exists(concat(" + SilverPreparation.REASONS + ", " + SilverPreparation.WARNINGS + "), x -> x = '" + tag
                + "' OR startswith(x, '" + tag + ":'))");
        return sum(when(flagged.and(tagged), 1).otherwise(0));
    }

    private List<QualityResults.Result> rowResults(Map<String, Long> counts, long total) {
        String table = silver(spec).toString();
        List<QualityResults.Result> out = new ArrayList<>();
        for (String c : spec.required()) {
            out.add(result(table, "missing_required:" + c, "required", "quarantine", counts, total, "not null"));
        }
        for (StructField f : spec.schema().fields()) {
            if (!f.dataType().equals(DataTypes.StringType)) {
                out.add(result(table, "type_error:" + f.name(), "type", "quarantine", counts, total, f.dataType().sql()));
            }
        }
        for (SourceSpec.UnitRule u : spec.units()) {
            out.add(result(table, "unknown_unit:" + u.unitColumn(), "unit", "quarantine", counts, total, "units " + u.factors().keySet()));
        }
        for (String c : spec.flagMissing()) {
            out.add(result(table, "missing:" + c, "missing", "warn", counts, total, "flagged when missing"));
        }
        for (Expectation e : spec.expectations()) {
            if (e.action() != Expectation.Action.FAIL) {
                out.add(result(table, "expectation:" + e.name(), "expectation", e.action().label(), counts, total, e.sql()));
            } else {
                out.add(new QualityResults.Result(table, "expectation:" + e.name(), "expectation", "fail", true, 0, total, e.sql()));
            }
        }
        for (Reference r : spec.references()) {
            out.add(result(table, "unknown_reference:" + r.column(), "reference", "quarantine", counts, total, r.table() + "." + r.key()));
        }
        return out;
    }

    private static QualityResults.Result result(String table, String tag, String kind, String action, Map<String, Long> counts,
                                                long total, String details) {
        long failed = counts.getOrDefault(tag, 0L);
        return new QualityResults.Result(table, tag, kind, action, failed == 0, failed, total, details);
    }

    private void writeQuarantine(Dataset<Row> rows, long bronzeVersion) {
        TableName q = quarantine(spec);
        List<Column> select = new ArrayList<>();
        for (StructField f : spec.schema().fields()) {
            select.add(col(SilverPreparation.RAW + f.name()).as(f.name()));
        }
        select.add(col(SilverPreparation.REASONS).as("_reasons"));
        select.add(col(SilverPreparation.WARNINGS).as("_warnings"));
        for (String m : List.of("_source_file", "_batch_date", "_line_number", "_byte_offset", IngestSourceAction.ROW_HASH)) {
            select.add(col(m));
        }
        select.add(col(IngestSourceAction.RUN_ID).as("_ingest_run_id"));
        select.add(lit(run.runId()).as("_run_id"));
        select.add(lit(Date.valueOf(runDate)).as("_run_date"));
        select.add(lit(Timestamp.from(Instant.now())).as("_quarantined_at"));
        Dataset<Row> out = rows.select(select.toArray(Column[]::new));
        ConflictRetry.run(lakehouse.retry(), "append to " + q, () -> out.write().format("delta").mode("append")
                .option("txnAppId", "lakeforge.quarantine." + spec.name()).option("txnVersion", bronzeVersion)
                .option("mergeSchema", "true").save(lakehouse.path(q)));
        run.wrote(q.toString(), lakehouse.version(q).orElseThrow(), lakehouse.read(q).count());
    }

    /** The silver columns: typed declared columns, then metadata. */
    private Dataset<Row> silverRows(Dataset<Row> good) {
        List<Column> select = new ArrayList<>();
        for (StructField f : spec.schema().fields()) {
            select.add(col(f.name()));
        }
        select.add(col(SilverPreparation.WARNINGS));
        select.add(col(CONTENT_HASH));
        if ("scd2".equals(spec.silverMode())) {
            select.add(col(ATTR_HASH)); // what a new version is compared on
        }
        for (String m : CARRIED_META) {
            select.add(col(m));
        }
        select.add(lit(run.runId()).as(REFINED_RUN));
        select.add(lit(Timestamp.from(Instant.now())).as(REFINED_AT));
        return good.select(select.toArray(Column[]::new));
    }

    private void ensureSilver(Dataset<Row> shape, boolean scd2) {
        TableName silver = silver(spec);
        lakehouse.createIfMissing(silver, created -> {
            var builder = created.addColumns(shape.schema());
            if (scd2) {
                builder = builder.addColumn(VALID_FROM, DataTypes.TimestampType).addColumn(VALID_TO, DataTypes.TimestampType)
                        .addColumn(IS_CURRENT, DataTypes.BooleanType);
            }
            if (!spec.partitionBy().isEmpty()) {
                builder = builder.partitionedBy(spec.partitionBy().toArray(String[]::new));
            }
            return builder.property("delta.enableChangeDataFeed", "true")
                    .comment("Silver: typed, cleaned, conformed rows of source " + spec.name() + " (" + spec.silverMode() + ")");
        });
    }

    private String keyCondition(String t, String s) {
        String cond = spec.primaryKey().stream().map(k -> t + ".`" + k + "` = " + s + ".`" + k + "`").collect(Collectors.joining(" AND "));
        return cond;
    }

    private Map<String, Long> mergeUpsert(Dataset<Row> good) {
        Dataset<Row> rows = silverRows(good);
        ensureSilver(rows, false);
        TableName silver = silver(spec);
        List<Object> partitionValues = new ArrayList<>();
        String condition = keyCondition("t", "s") + pruning(rows, partitionValues);
        String newer = "s.`" + spec.eventTime() + "` > t.`" + spec.eventTime() + "` OR (s.`" + spec.eventTime() + "` = t.`"
                + spec.eventTime() + "` AND s." + CONTENT_HASH + " > t." + CONTENT_HASH + ")";
        ConflictRetry.run(lakehouse.retry(), "merge into " + silver, () -> lakehouse.deltaTable(silver).as("t")
                .merge(rows.as("s"), condition).whenMatched(newer).updateAll().whenNotMatched().insertAll().execute());
        return lastMetrics(silver);
    }

    /**
     * The first load into an empty silver table: the de-duplicated batch is what a MERGE would insert, so it is
     * appended — without the MERGE's copy of its source and its scan for matches. The write is idempotent per bronze
     * version (Delta's transaction id), so a run that starts twice still inserts once.
     */
    private Map<String, Long> appendToEmpty(Dataset<Row> good, long bronzeVersion) {
        Dataset<Row> rows = silverRows(good);
        ensureSilver(rows, false);
        TableName silver = silver(spec);
        ConflictRetry.run(lakehouse.retry(), "append to " + silver, () -> rows.write().format("delta").mode("append")
                .option("txnAppId", "lakeforge.refine." + spec.name()).option("txnVersion", bronzeVersion)
                .save(lakehouse.path(silver)));
        Map<String, Long> written = lastMetrics(silver);
        long inserted = written.getOrDefault("numOutputRows", 0L);
        return Map.of("numSourceRows", inserted, "numTargetRowsInserted", inserted, "numTargetRowsUpdated", 0L);
    }

    private Map<String, Long> mergeAppend(Dataset<Row> good) {
        Dataset<Row> rows = silverRows(good);
        ensureSilver(rows, false);
        TableName silver = silver(spec);
        String condition = "t." + CONTENT_HASH + " = s." + CONTENT_HASH + pruning(rows, new ArrayList<>());
        ConflictRetry.run(lakehouse.retry(), "merge into " + silver, () -> lakehouse.deltaTable(silver).as("t")
                .merge(rows.as("s"), condition).whenNotMatched().insertAll().execute());
        return lastMetrics(silver);
    }

    /**
     * SCD type 2. Every distinct state of a record in the batch becomes a version (valid_from = its event time,
     * valid_to = the next version's, is_current on the newest); a state equal to the one before it (the current
     * silver row, or the previous state in the batch) is a re-send and adds nothing; a state older than the current
     * version is stale. The current silver row of a changed record is closed at its first new version.
     */
    private Map<String, Long> mergeScd2(Dataset<Row> candidates) {
        ensureSilver(silverRows(candidates.limit(0)), true);
        TableName silver = silver(spec);
        Column[] keyCols = spec.primaryKey().stream().map(k -> col(k).cast(DataTypes.StringType)).toArray(Column[]::new);
        // one row per key and event time (the kept one: greatest content hash), in silver shape
        Dataset<Row> batch = silverRows(candidates.where(col(RANK_SCD2).equalTo(1)))
                .withColumn(VALID_FROM, col(spec.eventTime()).cast(DataTypes.TimestampType))
                .withColumn(MERGE_KEY, concat_ws("\u0001", keyCols))
                .withColumn("_existing", lit(false));
        Dataset<Row> current = lakehouse.read(silver).where(col(IS_CURRENT))
                .select(concat_ws("\u0001", keyCols).as(MERGE_KEY), col(ATTR_HASH), col(VALID_FROM))
                .withColumn("_existing", lit(true));
        Dataset<Row> timeline = batch.select(col(MERGE_KEY), col(ATTR_HASH), col(VALID_FROM), col("_existing"))
                .unionByName(current)
                .withColumn("_cur_from", max(when(col("_existing"), col(VALID_FROM))).over(Window.partitionBy(MERGE_KEY)));
        WindowSpec byTime = Window.partitionBy(MERGE_KEY).orderBy(col(VALID_FROM), col("_existing").desc());
        Dataset<Row> fresh = timeline
                .where(col("_cur_from").isNull().or(col(VALID_FROM).gt(col("_cur_from"))).or(col("_existing")))
                .withColumn("_prev_attr", org.apache.spark.sql.functions.lag(ATTR_HASH, 1).over(byTime))
                .where(col("_existing").equalTo(false)
                        .and(col("_prev_attr").isNull().or(col("_prev_attr").notEqual(col(ATTR_HASH)))))
                .select(col(MERGE_KEY), col(VALID_FROM), lit(true).as("_new"));
        WindowSpec versions = Window.partitionBy(MERGE_KEY).orderBy(VALID_FROM);
        Dataset<Row> inserts = batch.join(fresh, new String[]{MERGE_KEY, VALID_FROM}, "inner")
                .withColumn(VALID_TO, org.apache.spark.sql.functions.lead(VALID_FROM, 1).over(versions))
                .withColumn(IS_CURRENT, col(VALID_TO).isNull())
                .drop("_existing", "_new")
                .withColumn(MERGE_KEY, lit(null).cast(DataTypes.StringType))
                .withColumn("_close_at", lit(null).cast(DataTypes.TimestampType));
        Dataset<Row> closes = fresh.groupBy(MERGE_KEY).agg(org.apache.spark.sql.functions.min(VALID_FROM).as("_close_at"));
        Dataset<Row> staged = inserts.unionByName(alignedCloseRows(inserts, closes), false);
        String targetKey = "concat_ws('\u0001', " + spec.primaryKey().stream().map(k -> "CAST(t.`" + k + "` AS STRING)")
                .collect(Collectors.joining(", ")) + ")";
        Map<String, String> insert = new LinkedHashMap<>();
        for (String c : inserts.columns()) {
            if (!c.equals(MERGE_KEY) && !c.equals("_close_at")) {
                insert.put("`" + c + "`", "s.`" + c + "`");
            }
        }
        ConflictRetry.run(lakehouse.retry(), "merge into " + silver, () -> lakehouse.deltaTable(silver).as("t")
                .merge(staged.as("s"), targetKey + " = s." + MERGE_KEY + " AND t." + IS_CURRENT)
                .whenMatched().updateExpr(Map.of(IS_CURRENT, "false", VALID_TO, "s._close_at"))
                .whenNotMatched("s." + MERGE_KEY + " IS NULL").insertExpr(insert).execute());
        return lastMetrics(silver);
    }

    /** Rows that only close the current version of a key (every other column null). */
    private static Dataset<Row> alignedCloseRows(Dataset<Row> inserts, Dataset<Row> closes) {
        List<Column> cols = new ArrayList<>();
        for (StructField f : inserts.schema().fields()) {
            if (f.name().equals(MERGE_KEY) || f.name().equals("_close_at")) {
                cols.add(col(f.name()));
            } else {
                cols.add(lit(null).cast(f.dataType()).as(f.name()));
            }
        }
        return closes.select(cols.toArray(Column[]::new));
    }

    /** Limits the MERGE to the partitions the batch touches, so it does not scan the whole table. */
    private String pruning(Dataset<Row> rows, List<Object> values) {
        if (spec.partitionBy().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String p : spec.partitionBy()) {
            List<Row> distinct = rows.select(p).distinct().limit(10_001).collectAsList();
            if (distinct.size() > 10_000 || distinct.stream().anyMatch(r -> r.isNullAt(0))) {
                return "";
            }
            sb.append(" AND t.`").append(p).append("` IN (")
                    .append(distinct.stream().map(r -> "'" + r.get(0).toString().replace("'", "''") + "'").collect(Collectors.joining(", ")))
                    .append(")");
            values.addAll(distinct.stream().map(r -> r.get(0)).toList());
        }
        return sb.toString();
    }

    private Map<String, Long> lastMetrics(TableName table) {
        Row h = lakehouse.deltaTable(table).history(1).select("operationMetrics").first();
        Map<String, Long> out = new LinkedHashMap<>();
        scala.collection.Map<String, String> m = h.getMap(0);
        if (m != null) {
            scala.jdk.javaapi.CollectionConverters.asJava(m).forEach((k, v) -> {
                try {
                    out.put(k, Long.parseLong(v));
                } catch (NumberFormatException ignored) {
                    // not a count
                }
            });
        }
        return out;
    }

    private List<QualityResults.Result> tableChecks(long rowsBefore, long rowsAfter, long inserted, Dataset<Row> batch) {
        List<QualityResults.Result> out = new ArrayList<>();
        var checks = spec.checks();
        String table = silver(spec).toString();
        String action = checks.action().label();
        if (rowsBefore > 0) {
            double ratio = rowsAfter / (double) rowsBefore;
            checks.minRowCountRatio().ifPresent(min -> out.add(new QualityResults.Result(table, "row_count_min_ratio", "table", action,
                    ratio >= min, ratio >= min ? 0 : rowsAfter, rowsAfter, String.format(java.util.Locale.ROOT,
                    "%d rows after, %d before (ratio %.3f, minimum %.3f)", rowsAfter, rowsBefore, ratio, min))));
            checks.maxRowCountRatio().ifPresent(max -> out.add(new QualityResults.Result(table, "row_count_max_ratio", "table", action,
                    ratio <= max, ratio <= max ? 0 : rowsAfter, rowsAfter, String.format(java.util.Locale.ROOT,
                    "%d rows after, %d before (ratio %.3f, maximum %.3f)", rowsAfter, rowsBefore, ratio, max))));
        }
        boolean upsert = !"scd2".equals(spec.silverMode()) && !"append".equals(spec.silverMode());
        if (checks.uniqueKey() && !spec.primaryKey().isEmpty() && upsert && rowsAfter == rowsBefore + inserted) {
            // Holds by construction, and the counts confirm it: the batch was de-duplicated on the key, the MERGE
            // matched on it (updates replace a row, inserts only keys with no match), and the table grew by exactly
            // the rows inserted — so no key can repeat unless one did before. No scan needed.
            out.add(new QualityResults.Result(table, "unique_key", "table", action, true, 0, rowsAfter,
                    "0 key(s) " + spec.primaryKey() + " appear more than once (a batch de-duplicated on the key, merged on it or appended to an empty table; "
                            + rowsBefore + " rows + " + inserted + " inserted = " + rowsAfter + ")"));
        } else if (checks.uniqueKey() && !spec.primaryKey().isEmpty()) {
            Dataset<Row> current = lakehouse.read(silver(spec));
            if ("scd2".equals(spec.silverMode())) {
                current = current.where(col(IS_CURRENT));
            }
            Column[] keys = spec.primaryKey().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
            // The key was unique before this run, so only keys this run touched can repeat now: check those.
            Dataset<Row> touched = batch.select(keys).distinct();
            current = current.join(touched, scala.jdk.javaapi.CollectionConverters.asScala(spec.primaryKey()).toSeq(), "left_semi");
            Row dup = current.groupBy(keys).count().where(col("count").gt(1)).agg(count(lit(1)), sum("count")).first();
            long dupKeys = dup.getLong(0);
            out.add(new QualityResults.Result(table, "unique_key", "table", action, dupKeys == 0, dup.isNullAt(1) ? 0 : dup.getLong(1),
                    rowsAfter, dupKeys + " key(s) " + spec.primaryKey() + " appear more than once"));
        }
        checks.freshness().ifPresent(maxAge -> {
            Row newest = lakehouse.read(silver(spec)).agg(max(col(spec.eventTime()).cast(DataTypes.TimestampType))).first();
            Instant endOfRunDate = runDate.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            boolean fresh = !newest.isNullAt(0) && Duration.between(newest.getTimestamp(0).toInstant(), endOfRunDate).compareTo(maxAge) <= 0;
            out.add(new QualityResults.Result(table, "freshness", "table", action, fresh, fresh ? 0 : rowsAfter, rowsAfter,
                    "newest " + spec.eventTime() + " " + (newest.isNullAt(0) ? "none" : newest.getTimestamp(0).toInstant())
                            + ", allowed age " + maxAge));
        });
        return out;
    }
}
