package dev.lakeforge.ingest;

import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.RowHash;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRun;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Loads one source's new landing files into its append-only bronze table:
 * <pre>
 *   IngestResult r = new IngestSourceAction(lakehouse, landing).source(spec).runDate(d).run(jobRun).execute();
 * </pre>
 * Every declared column is kept as the string the file held (typing happens in silver), with ingest metadata
 * ({@code _source_file, _file_checksum, _batch_date, _byte_offset, _line_number, _ingest_time, _run_id,
 * _row_hash}). Lines that cannot be parsed go to {@code bronze.rejects} with the raw line, the file, the line
 * number and the reason. A column a file adds evolves the table (when the source allows it); a declared column
 * a file lacks stops the load before anything is written.
 */
public final class IngestSourceAction {
    public static final TableName REJECTS = TableName.of("bronze", "rejects");
    public static final String INGEST_TIME = "_ingest_time";
    public static final String RUN_ID = "_run_id";
    public static final String ROW_HASH = "_row_hash";
    /** Longest line read; longer lines are skipped by the reader and reported as rejects. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    /**
     * Rejected lines a load sends to the driver at most, over all its tasks (each task gets its share); a task
     * with more writes the rest to a file of its own under {@code _staging/rejects/<source>}, read back in a
     * distributed way — so the driver's memory does not grow with the input, and no second pass is needed.
     */
    static final int REJECTS_KEPT_ON_DRIVER = 20_000;
    static final long REJECT_CHARS_KEPT_ON_DRIVER = 8L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(IngestSourceAction.class);

    private final Lakehouse lakehouse;
    private final String landing;
    private SourceSpec spec;
    private LocalDate runDate;
    private JobRun run;
    private int rejectsKeptOnDriver = REJECTS_KEPT_ON_DRIVER;
    private long rejectCharsKeptOnDriver = REJECT_CHARS_KEPT_ON_DRIVER;
    private IngestLedger.State ledgerState;
    private long txnForNewLoad = -1;

    public IngestSourceAction(Lakehouse lakehouse, String landing) {
        this.lakehouse = lakehouse;
        this.landing = landing;
    }

    public IngestSourceAction source(SourceSpec spec) {
        this.spec = spec;
        return this;
    }

    public IngestSourceAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public IngestSourceAction run(JobRun run) {
        this.run = run;
        return this;
    }

    /** How many rejected lines (and characters of them) may travel to the driver; tests make it small. */
    IngestSourceAction rejectsKeptOnDriver(int rows, long chars) {
        this.rejectsKeptOnDriver = rows;
        this.rejectCharsKeptOnDriver = chars;
        return this;
    }

    public static TableName bronze(SourceSpec spec) {
        return TableName.of("bronze", spec.name());
    }

    /**
     * The source's ledger state and the transaction number for a new load, as {@link IngestAction} read them once for
     * all sources under the ingest lock it holds. Without them, {@link #execute()} takes the lock and reads them itself.
     */
    IngestSourceAction ledger(IngestLedger.State state, long txnForNewLoad) {
        this.ledgerState = state;
        this.txnForNewLoad = txnForNewLoad;
        return this;
    }

    public IngestResult execute() {
        if (ledgerState != null) {
            return loadAndRecord();
        }
        try (dev.lakeforge.runs.RunLock.Held lock = IngestAction.lock(lakehouse, null, run)) {
            return loadAndRecord();
        }
    }

    /** One source on its own: plan, record the files as pending, write bronze and rejects, record them as ingested. */
    private IngestResult loadAndRecord() {
        if (!spec.isFileFormat()) {
            return new JdbcSourceLoader(lakehouse, spec, runDate, run).execute();
        }
        IngestLedger ledger = new IngestLedger(lakehouse);
        Plan plan = plan();
        if (!plan.pending().isEmpty()) {
            ledger.append(plan.pending());
            plan.clock.lap("ledger");
        }
        Loaded loaded = write(plan);
        if (!loaded.ledgerEntries().isEmpty()) {
            ledger.append(loaded.ledgerEntries());
            plan.clock.lap("ledger");
        }
        return loaded.result();
    }

    /** Whether this source is loaded from landing files (else from a database, by {@link #execute()} alone). */
    boolean loadsFiles() {
        return spec.isFileFormat();
    }

    /**
     * What a load of this source will do, decided before anything is written: the new files (or those a stopped load
     * left pending), their headers checked against the source's schema, the transaction number.
     */
    final class Plan {
        final List<LandingFile> found = new ArrayList<>();
        final List<LandingFile> toLoad = new ArrayList<>();
        /** DUPLICATE and EMPTY files, recorded with the load. */
        final List<IngestLedger.Entry> noted = new ArrayList<>();
        final Map<String, FileLayout> layouts = new LinkedHashMap<>();
        final List<String> columns = new ArrayList<>(spec.columns());
        List<String> newColumns = List.of();
        int skipped;
        int duplicates;
        int empty;
        long txn = -1;
        boolean resumed;
        final dev.lakeforge.runs.StepClock clock = new dev.lakeforge.runs.StepClock();

        /** The ledger rows to commit before anything is written: the files to load as PENDING (none when finishing a stopped load). */
        List<IngestLedger.Entry> pending() {
            List<IngestLedger.Entry> out = new ArrayList<>();
            if (!resumed) {
                for (LandingFile f : toLoad) {
                    out.add(new IngestLedger.Entry(spec.name(), f, IngestLedger.PENDING, txn, run.runId(), null, null, null));
                }
            }
            return out;
        }
    }

    /** A load's result and the ledger rows that record it (INGESTED, DUPLICATE, EMPTY), to commit once bronze is written. */
    record Loaded(IngestResult result, List<IngestLedger.Entry> ledgerEntries) {
    }

    /** Scans the landing folder, sorts out what to load, and checks headers: reads only, writes nothing. */
    Plan plan() {
        Plan plan = new Plan();
        IngestLedger ledger = new IngestLedger(lakehouse);
        IngestLedger.State state = ledgerState != null ? ledgerState : ledger.state(spec.name());
        plan.clock.lap("ledger");
        Configuration hconf = lakehouse.spark().sparkContext().hadoopConfiguration();
        plan.found.addAll(new LandingScanner(hconf, landing).scan(spec.path(), runDate, state.recorded()));
        plan.clock.lap("scan");

        plan.resumed = state.hasPending();
        if (plan.resumed) {
            plan.txn = state.pendingTxn();
            Map<String, LandingFile> byChecksum = new HashMap<>();
            plan.found.forEach(f -> byChecksum.putIfAbsent(f.checksum(), f));
            for (Row p : state.pending()) {
                LandingFile f = byChecksum.get(p.getString(1));
                if (f == null) {
                    throw new IllegalStateException("Source " + spec.name() + ": an earlier run left the load of " + p.getString(0)
                            + " unfinished, and that file is gone or changed (checksum " + p.getString(1) + "). Restore the file"
                            + " to finish the load; Lakeforge will not guess what it held.");
                }
                plan.toLoad.add(f);
            }
            LOG.warn("Source {}: finishing the load of {} file(s) an earlier run left unfinished (transaction {})",
                    spec.name(), plan.toLoad.size(), plan.txn);
        } else {
            Map<String, String> seen = new HashMap<>(state.doneByChecksum());
            for (LandingFile f : plan.found) {
                if (f.recorded()) {
                    plan.skipped++; // handled by an earlier run (loaded, or noted as empty or a duplicate), not read again
                    continue;
                }
                String earlier = seen.get(f.checksum());
                if (earlier != null) {
                    if (earlier.equals(f.relative())) {
                        plan.skipped++;
                    } else {
                        plan.duplicates++;
                        plan.noted.add(new IngestLedger.Entry(spec.name(), f, IngestLedger.DUPLICATE, null, run.runId(), 0L, 0L,
                                "same content as " + earlier + "; not loaded again"));
                        LOG.warn("Source {}: {} has the same content as {}; not loaded again", spec.name(), f.relative(), earlier);
                    }
                    continue;
                }
                seen.put(f.checksum(), f.relative());
                if (f.size() == 0) {
                    plan.empty++;
                    plan.noted.add(new IngestLedger.Entry(spec.name(), f, IngestLedger.EMPTY, null, run.runId(), 0L, 0L, "empty file"));
                    continue;
                }
                plan.toLoad.add(f);
            }
            if (!plan.toLoad.isEmpty()) {
                plan.txn = txnForNewLoad >= 0 ? txnForNewLoad : ledger.nextTxn();
            }
        }
        if (plan.toLoad.isEmpty()) {
            return plan;
        }

        // Headers and schema compatibility, before anything is written.
        TableName bronze = bronze(spec);
        Set<String> extra = new LinkedHashSet<>();
        for (LandingFile f : plan.toLoad) {
            plan.layouts.put(f.path(), layout(f, extra));
        }
        List<String> existingExtra = existingExtraColumns(bronze);
        plan.newColumns = extra.stream().filter(c -> !existingExtra.contains(c)).toList();
        if (!plan.newColumns.isEmpty() && !spec.evolves()) {
            throw new IncompatibleSchemaException("Source " + spec.name() + ": new column(s) " + plan.newColumns + " in "
                    + filesWith(plan.layouts, plan.newColumns) + ", and schema-evolution = fail. Declare the column(s) in the source's"
                    + " schema or set schema-evolution = add-columns. Nothing was loaded.");
        }
        plan.columns.addAll(extra);
        plan.clock.lap("headers");
        return plan;
    }

    /**
     * Writes a planned load: bronze and rejects, as idempotent Delta appends under the plan's transaction number.
     * The plan's pending rows must be in the ledger first; the returned ledger rows go in after.
     */
    Loaded write(Plan plan) {
        TableName bronze = bronze(spec);
        if (plan.toLoad.isEmpty()) {
            long v = lakehouse.version(bronze).orElse(-1L);
            return new Loaded(new IngestResult(spec.name(), plan.found.size(), 0, plan.skipped, plan.duplicates, plan.empty, 0, 0, v,
                    List.of(), false), List.copyOf(plan.noted));
        }
        SparkSession spark = lakehouse.spark();
        dev.lakeforge.runs.StepClock clock = plan.clock;
        clock.lap("waiting"); // for the other sources' plans and the ledger commit, when IngestAction loads several
        List<LandingFile> toLoad = plan.toLoad;
        List<String> newColumns = plan.newColumns;
        long txn = plan.txn;
        boolean resumed = plan.resumed;
        LOG.info("Source {}: loading {} file(s), {} bytes, into {} (transaction {})", spec.name(), toLoad.size(),
                toLoad.stream().mapToLong(LandingFile::size).sum(), bronze, txn);

        String spillDir = lakehouse.folder("_staging/rejects/" + spec.name());
        deleteFolder(spillDir); // what a load of this source that was killed may have left
        RejectSink sink = new RejectSink(spark, spec.name(), spillDir);
        Dataset<Row> staging = SourceSpec.PARQUET.equals(spec.format())
                ? readParquet(spark, toLoad, plan.columns, plan.layouts)
                : parse(spark, toLoad, plan.columns, plan.layouts, sink);
        Timestamp ingestTime = Timestamp.from(Instant.now());
        ensureBronze(bronze);
        clock.lap("bronze");
        List<Column> hashInputs = new ArrayList<>();
        for (String c : plan.columns) {
            hashInputs.add(col(c));
        }
        Dataset<Row> good = staging.where(col(StagingSchema.REJECT_REASON).isNull())
                .drop(StagingSchema.RAW_LINE, StagingSchema.REJECT_REASON)
                .withColumn(INGEST_TIME, lit(ingestTime))
                .withColumn(RUN_ID, lit(run.runId()))
                .withColumn(ROW_HASH, RowHash.of(hashInputs));
        String appId = "lakeforge.ingest." + spec.name();
        ConflictRetry.run(lakehouse.retry(), "append to " + bronze, () -> good.write().format("delta").mode("append")
                .option("txnAppId", appId).option("txnVersion", txn).option("mergeSchema", String.valueOf(!newColumns.isEmpty()))
                .save(lakehouse.path(bronze)));
        dev.lakeforge.runs.CrashPoints.reach(dev.lakeforge.runs.CrashPoints.INGEST_BRONZE_COMMITTED);
        long bronzeVersion = lakehouse.version(bronze).orElseThrow();
        long loaded = rowsWritten(bronze, toLoad);
        clock.lap("bronze");

        // The bronze write met the rejected lines (one pass over the files): its tasks sent some to the driver and
        // wrote the rest to files. A second pass over the files finds them only when finishing a stopped load, whose
        // write Delta skipped as already committed (or, as a safety net, if what the tasks handed over falls short of
        // what they counted).
        StructType staged = staging.schema();
        Dataset<Row> rejectDf = null;
        Map<String, Long> rejectsPerFile = null;
        if (!resumed) {
            boolean parquet = SourceSpec.PARQUET.equals(spec.format());
            rejectDf = parquet ? rejectRows(spark.createDataFrame(List.of(), staged), ingestTime)
                    : rejectRows(sink.gathered(spark, staged), ingestTime);
            Dataset<Row> gatheredRejects = rejectDf;
            rejectsPerFile = parquet ? Map.of() : sink.perFileOnDriver(staged).orElseGet(() -> rejectsPerFile(gatheredRejects));
            long gathered = rejectsPerFile.values().stream().mapToLong(Long::longValue).sum();
            if (sink.spilled.value() > 0) {
                run.count(spec.name() + ".rejects_via_files", sink.spilled.value());
            }
            if (!SourceSpec.PARQUET.equals(spec.format()) && gathered != sink.rejected.value()) {
                LOG.warn("Source {}: the load counted {} rejected line(s) but handed over {}; finding them again in a second pass",
                        spec.name(), sink.rejected.value(), gathered);
                rejectDf = null;
            }
        }
        if (rejectDf == null) {
            run.count(spec.name() + ".rejects_second_pass", 1);
            rejectDf = rejectRows(staging, ingestTime).persist(StorageLevel.DISK_ONLY());
            rejectsPerFile = rejectsPerFile(rejectDf);
        }
        try {
            long rejected = rejectsPerFile.values().stream().mapToLong(Long::longValue).sum();
            if (rejected > 0) {
                Dataset<Row> out = rejectDf.coalesce(1);
                ConflictRetry.run(lakehouse.retry(), "append to " + REJECTS, () -> out.write().format("delta").mode("append")
                        .option("txnAppId", "lakeforge.rejects." + spec.name()).option("txnVersion", txn)
                        .save(lakehouse.path(REJECTS)));
                run.wrote(REJECTS.toString(), lakehouse.version(REJECTS).orElseThrow(), rejected);
            }
            List<IngestLedger.Entry> done = new ArrayList<>(plan.noted);
            for (LandingFile f : toLoad) {
                done.add(new IngestLedger.Entry(spec.name(), f, IngestLedger.INGESTED, txn, run.runId(), null,
                        rejectsPerFile.getOrDefault(f.path(), 0L), resumed ? "load finished after an earlier run stopped" : null));
            }
            deleteFolder(spillDir);
            clock.lap("rejects");
            LOG.info("Source {}: {} row(s) loaded, {} rejected, in {}", spec.name(), loaded, rejected, clock);
            if (!newColumns.isEmpty()) {
                LOG.warn("Source {}: bronze table evolved with new column(s) {} (from {}). They stay in bronze; declare them in the"
                        + " source schema to carry them to silver.", spec.name(), newColumns, filesWith(plan.layouts, newColumns));
            }
            run.wrote(bronze.toString(), bronzeVersion, loaded);
            run.count(spec.name() + ".rows_in", loaded + rejected);
            run.count(spec.name() + ".rows_rejected", rejected);
            run.count(spec.name() + ".rows_loaded", loaded);
            return new Loaded(new IngestResult(spec.name(), plan.found.size(), toLoad.size(), plan.skipped, plan.duplicates, plan.empty,
                    loaded, rejected, bronzeVersion, newColumns, resumed), done);
        } finally {
            rejectDf.unpersist();
        }
    }

    private static Map<String, Long> rejectsPerFile(Dataset<Row> rejects) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Row r : rejects.groupBy("file").count().collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }

    private void deleteFolder(String folder) {
        try {
            lakehouse.fileSystem().delete(new Path(folder), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + folder, e);
        }
    }

    /** Rejects-table rows from staging rows that carry a reason. */
    private Dataset<Row> rejectRows(Dataset<Row> staged, Timestamp ingestTime) {
        return staged.where(col(StagingSchema.REJECT_REASON).isNotNull())
                .select(lit(spec.name()).as("source"), col(StagingSchema.SOURCE_FILE).as("file"),
                        col(StagingSchema.LINE_NUMBER).as("line_number"), col(StagingSchema.BYTE_OFFSET).as("byte_offset"),
                        col(StagingSchema.RAW_LINE).as("raw_line"), col(StagingSchema.REJECT_REASON).as("reason"),
                        col(StagingSchema.BATCH_DATE).as("batch_date"), col(StagingSchema.FILE_CHECKSUM).as("file_checksum"),
                        lit(run.runId()).as("run_id"), lit(ingestTime).as("ingest_time"));
    }

    private static String filesWith(Map<String, FileLayout> layouts, List<String> columns) {
        return layouts.entrySet().stream().filter(e -> columns.stream().anyMatch(c -> e.getValue().positions().containsKey(c)))
                .map(Map.Entry::getKey).map(p -> p.substring(p.lastIndexOf('/', p.lastIndexOf('/') - 1) + 1)).toList().toString();
    }

    /**
     * Rows the load put in bronze: the output count of the newest commit when it is this load's append, else (an
     * earlier, stopped run committed it and Delta skipped the write) the rows of these files in the table.
     */
    private long rowsWritten(TableName table, List<LandingFile> files) {
        Row last = lakehouse.deltaTable(table).history(1).select("operation", "operationMetrics", "operationParameters").first();
        scala.collection.Map<String, String> metrics = last.getMap(1);
        if ("WRITE".equals(last.getString(0)) && metrics != null && metrics.contains("numOutputRows")) {
            // the newest commit is an append; it is ours unless another source's load could have written here (it cannot)
            return Long.parseLong(metrics.apply("numOutputRows"));
        }
        return rowsOfFiles(table, files);
    }

    /** Rows of these files in the table (also right when an earlier, stopped run committed them). */
    private long rowsOfFiles(TableName table, List<LandingFile> files) {
        Object[] checksums = files.stream().map(LandingFile::checksum).toArray();
        return lakehouse.read(table).where(col(StagingSchema.FILE_CHECKSUM).isin(checksums)).count();
    }

    /** Opens a landing file on its own file system (the landing folder need not be where the lakehouse is). */
    private FSDataInputStream open(String file) throws IOException {
        Path p = new Path(file);
        return p.getFileSystem(lakehouse.spark().sparkContext().hadoopConfiguration()).open(p);
    }

    private FileLayout layout(LandingFile f, Set<String> extra) {
        Date batch = f.batchDate().map(Date::valueOf).orElse(null);
        if (SourceSpec.PARQUET.equals(spec.format())) {
            return parquetLayout(f, batch, extra);
        }
        if (!SourceSpec.CSV.equals(spec.format())) {
            return new FileLayout(f.checksum(), batch, Map.of(), 0, f.lines());
        }
        String header;
        try (FSDataInputStream in = open(f.path());
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            header = r.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the header of " + f.path(), e);
        }
        if (header == null) {
            header = "";
        }
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        List<String> fields;
        try {
            fields = new CsvLineParser(delimiter()).split(header.strip());
        } catch (CsvLineParser.MalformedLineException e) {
            throw new IncompatibleSchemaException("Source " + spec.name() + ": the header of " + f.relative() + " is malformed ("
                    + e.getMessage() + "). Nothing was loaded.");
        }
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.get(i).strip();
            if (positions.put(name, i) != null) {
                throw new IncompatibleSchemaException("Source " + spec.name() + ": column '" + name + "' appears twice in the header of "
                        + f.relative() + ". Nothing was loaded.");
            }
        }
        List<String> missing = spec.columns().stream().filter(c -> !positions.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new IncompatibleSchemaException("Source " + spec.name() + ": " + f.relative() + " lacks the declared column(s) "
                    + missing + " (its header: " + fields + "). A removed or renamed column cannot evolve; fix the export or the"
                    + " source's schema. Nothing was loaded and every table is as it was.");
        }
        for (String name : fields) {
            String n = name.strip();
            if (!spec.columns().contains(n)) {
                if (!n.matches("[A-Za-z][A-Za-z0-9_]{0,62}")) {
                    throw new IncompatibleSchemaException("Source " + spec.name() + ": " + f.relative() + " has a column '" + n
                            + "' that is not a plain identifier; it cannot become a table column. Nothing was loaded.");
                }
                extra.add(n);
            }
        }
        return new FileLayout(f.checksum(), batch, positions, fields.size(), f.lines());
    }

    private FileLayout parquetLayout(LandingFile f, Date batch, Set<String> extra) {
        List<String> fields;
        try {
            fields = List.of(lakehouse.spark().read().parquet(f.path()).schema().fieldNames());
        } catch (RuntimeException e) {
            throw new IncompatibleSchemaException("Source " + spec.name() + ": " + f.relative() + " is not a readable Parquet file ("
                    + e.getMessage().lines().findFirst().orElse("") + "). Nothing was loaded.");
        }
        List<String> missing = spec.columns().stream().filter(c -> !fields.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IncompatibleSchemaException("Source " + spec.name() + ": " + f.relative() + " lacks the declared column(s) "
                    + missing + " (it has " + fields + "). Nothing was loaded and every table is as it was.");
        }
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            positions.put(fields.get(i), i);
            if (!spec.columns().contains(fields.get(i)) && fields.get(i).matches("[A-Za-z][A-Za-z0-9_]{0,62}")) {
                extra.add(fields.get(i));
            }
        }
        return new FileLayout(f.checksum(), batch, positions, fields.size(), f.lines());
    }

    /** Parquet files are typed and structured: every row loads (its values as strings); no line-level rejects. */
    private Dataset<Row> readParquet(SparkSession spark, List<LandingFile> files, List<String> columns, Map<String, FileLayout> layouts) {
        Dataset<Row> all = null;
        for (LandingFile f : files) {
            Dataset<Row> df = spark.read().parquet(f.path());
            List<String> present = List.of(df.columns());
            FileLayout layout = layouts.get(f.path());
            List<Column> select = new ArrayList<>();
            for (String c : columns) {
                select.add(present.contains(c) ? col(c).cast(DataTypes.StringType).as(c) : lit(null).cast(DataTypes.StringType).as(c));
            }
            select.add(lit(f.path()).as(StagingSchema.SOURCE_FILE));
            select.add(lit(layout.checksum()).as(StagingSchema.FILE_CHECKSUM));
            select.add(lit(layout.batchDate()).cast(DataTypes.DateType).as(StagingSchema.BATCH_DATE));
            select.add(lit(0L).as(StagingSchema.BYTE_OFFSET));
            select.add(lit(null).cast(DataTypes.LongType).as(StagingSchema.LINE_NUMBER));
            select.add(lit(null).cast(DataTypes.StringType).as(StagingSchema.RAW_LINE));
            select.add(lit(null).cast(DataTypes.StringType).as(StagingSchema.REJECT_REASON));
            Dataset<Row> one = df.select(select.toArray(Column[]::new));
            all = all == null ? one : all.unionByName(one);
        }
        return all;
    }

    private char delimiter() {
        String d = spec.options().getOrDefault("delimiter", ",");
        return d.equals("\\t") ? '\t' : d.charAt(0);
    }

    private List<String> existingExtraColumns(TableName bronze) {
        if (!lakehouse.exists(bronze)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (StructField f : lakehouse.read(bronze).schema().fields()) {
            if (!f.name().startsWith("_") && !spec.columns().contains(f.name())) {
                out.add(f.name());
            }
        }
        return out;
    }

    private void ensureBronze(TableName bronze) {
        lakehouse.createIfMissing(bronze, created -> {
            var builder = created;
            for (String c : spec.columns()) {
                builder = builder.addColumn(c, DataTypes.StringType);
            }
            return builder.addColumn(StagingSchema.SOURCE_FILE, DataTypes.StringType)
                    .addColumn(StagingSchema.FILE_CHECKSUM, DataTypes.StringType)
                    .addColumn(StagingSchema.BATCH_DATE, DataTypes.DateType)
                    .addColumn(StagingSchema.BYTE_OFFSET, DataTypes.LongType)
                    .addColumn(StagingSchema.LINE_NUMBER, DataTypes.LongType)
                    .addColumn(INGEST_TIME, DataTypes.TimestampType)
                    .addColumn(RUN_ID, DataTypes.StringType)
                    .addColumn(ROW_HASH, RowHash.TYPE)
                    .property("delta.enableChangeDataFeed", "true")
                    .property("delta.appendOnly", "true")
                    // statistics only where bronze is filtered (which files a load wrote, by batch or time); collecting
                    // min/max of every raw text column cost ~15% of a load and skips nothing
                    .property("delta.dataSkippingStatsColumns", String.join(",", StagingSchema.FILE_CHECKSUM, StagingSchema.BATCH_DATE,
                            StagingSchema.LINE_NUMBER, INGEST_TIME))
                    .comment("Bronze: raw rows of source " + spec.name() + " as loaded, append-only");
        });
    }

    private Dataset<Row> parse(SparkSession spark, List<LandingFile> files, List<String> columns, Map<String, FileLayout> layouts,
                               RejectSink rejects) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
        conf.setInt(BoundedLineInputFormat.MAX_BYTES_KEY, MAX_LINE_BYTES);
        String paths = files.stream().map(f -> escapeGlob(f.path())).collect(Collectors.joining(","));
        @SuppressWarnings("unchecked")
        JavaNewHadoopRDD<LongWritable, BoundedLineInputFormat.BoundedLine> lines =
                (JavaNewHadoopRDD<LongWritable, BoundedLineInputFormat.BoundedLine>) jsc.newAPIHadoopFile(paths,
                        BoundedLineInputFormat.class, LongWritable.class, BoundedLineInputFormat.BoundedLine.class, conf);
        Broadcast<LineParser> parser = jsc.broadcast(new LineParser(spec.format(), columns, layouts, delimiter()));
        Broadcast<org.apache.spark.util.SerializableConfiguration> hadoop = jsc.broadcast(new org.apache.spark.util.SerializableConfiguration(conf));
        int splits = Math.max(1, lines.getNumPartitions());
        rejects.budget(Math.max(1, rejectsKeptOnDriver / splits), Math.max(1, rejectCharsKeptOnDriver / splits),
                StagingSchema.of(columns));
        JavaRDD<Row> rows = lines.mapPartitionsWithInputSplit((split, it) -> parsePartition(split, it, parser.value(), hadoop.value().value(),
                rejects), true);
        return spark.createDataFrame(rows, StagingSchema.of(columns));
    }

    /**
     * Rejected lines, gathered while the bronze write parses the files, so that no second pass is needed to find
     * them: each task sends its share of {@link #REJECTS_KEPT_ON_DRIVER} lines (and characters) to the driver, and
     * writes any more to a JSON-lines file of its own attempt under {@code spillDir}, read back by Spark.
     */
    static final class RejectSink implements java.io.Serializable {
        final org.apache.spark.util.LongAccumulator rejected;
        final org.apache.spark.util.LongAccumulator spilled;
        final org.apache.spark.util.CollectionAccumulator<Row> kept;
        private transient Map<String, Row> keptOnce; // the kept lines once each, after the load ran
        final String spillDir;
        int rowsPerTask = 1;
        long charsPerTask = 1;
        int[] spilledFields = new int[0];

        RejectSink(SparkSession spark, String source, String spillDir) {
            rejected = spark.sparkContext().longAccumulator("rejected lines of " + source);
            spilled = spark.sparkContext().longAccumulator("rejected lines of " + source + " written to files");
            kept = spark.sparkContext().collectionAccumulator("rejected lines of " + source + " kept");
            this.spillDir = spillDir;
        }

        /** Each task's share, and where the {@link #SPILLED} columns are in the staging rows it writes to a file. */
        void budget(int rows, long chars, StructType staged) {
            this.rowsPerTask = rows;
            this.charsPerTask = chars;
            this.spilledFields = SPILLED.stream().mapToInt(staged::fieldIndex).toArray();
        }

        /**
         * The rejected lines the load met, in staging shape: those sent to the driver and those written to files,
         * once each (a retried task's attempts meet the same lines: one row per file and byte offset).
         */
        Dataset<Row> gathered(SparkSession spark, StructType staged) {
            Dataset<Row> onDriver = spark.createDataFrame(new ArrayList<>(keptOnce(staged).values()), staged);
            if (spilled.value() == 0) {
                return onDriver;
            }
            StructType spillSchema = new StructType(java.util.Arrays.stream(staged.fields())
                    .filter(f -> SPILLED.contains(f.name())).toArray(StructField[]::new));
            // a killed attempt's file may end in a cut line: it reads as nulls and is dropped (its lines are in the file of
            // the attempt that succeeded)
            Dataset<Row> fromFiles = spark.read().schema(spillSchema).option("mode", "PERMISSIVE").json(spillDir)
                    .where(col(StagingSchema.SOURCE_FILE).isNotNull().and(col(StagingSchema.BYTE_OFFSET).isNotNull())
                            .and(col(StagingSchema.REJECT_REASON).isNotNull()));
            List<Column> shaped = new ArrayList<>();
            for (StructField f : staged.fields()) {
                shaped.add(SPILLED.contains(f.name()) ? col(f.name()) : lit(null).cast(f.dataType()).as(f.name()));
            }
            return onDriver.unionByName(fromFiles.select(shaped.toArray(Column[]::new)))
                    .dropDuplicates(StagingSchema.SOURCE_FILE, StagingSchema.BYTE_OFFSET);
        }

        /** The rejected lines sent to the driver, once each (a retried task's attempts meet the same lines), by file and byte offset. */
        private Map<String, Row> keptOnce(StructType staged) {
            if (keptOnce != null) {
                return keptOnce; // gathered() and perFileOnDriver() both need it, once the load has run
            }
            Map<String, Row> distinct = new LinkedHashMap<>();
            int file = staged.fieldIndex(StagingSchema.SOURCE_FILE);
            int offset = staged.fieldIndex(StagingSchema.BYTE_OFFSET);
            for (Row r : kept.value()) {
                distinct.putIfAbsent(r.getString(file) + "@" + r.getLong(offset), r);
            }
            keptOnce = distinct;
            return distinct;
        }

        /**
         * Rejected lines per file, counted on the driver, when every one of them was sent there (none written to files):
         * no Spark job for what is usually a handful of lines, or none. Empty when some were written to files.
         */
        Optional<Map<String, Long>> perFileOnDriver(StructType staged) {
            if (spilled.value() > 0) {
                return Optional.empty();
            }
            int file = staged.fieldIndex(StagingSchema.SOURCE_FILE);
            Map<String, Long> out = new LinkedHashMap<>();
            keptOnce(staged).values().forEach(r -> out.merge(r.getString(file), 1L, Long::sum));
            return Optional.of(out);
        }
    }

    /** The staging columns a rejected line keeps when a task writes it to a file (what the rejects table needs). */
    static final List<String> SPILLED = List.of(StagingSchema.SOURCE_FILE, StagingSchema.FILE_CHECKSUM, StagingSchema.BATCH_DATE,
            StagingSchema.BYTE_OFFSET, StagingSchema.LINE_NUMBER, StagingSchema.RAW_LINE, StagingSchema.REJECT_REASON);

    /** One task attempt's file of rejected lines past its share, opened at the first one. */
    private static final class SpillFile {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
        private final String dir;
        private final int[] fields;
        private final Configuration conf;
        private java.io.Writer out;

        SpillFile(RejectSink sink, Configuration conf) {
            this.dir = sink.spillDir;
            this.fields = sink.spilledFields;
            this.conf = conf;
        }

        void write(Row r) throws IOException {
            if (out == null) {
                org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
                Path file = new Path(dir, String.format(java.util.Locale.ROOT, "part-%05d-%d.json", task.partitionId(), task.taskAttemptId()));
                out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(file.getFileSystem(conf).create(file, true),
                        java.nio.charset.StandardCharsets.UTF_8));
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> close());
            }
            Map<String, Object> line = new LinkedHashMap<>();
            for (int i = 0; i < fields.length; i++) {
                Object v = r.get(fields[i]);
                line.put(SPILLED.get(i), v instanceof java.sql.Date d ? d.toLocalDate().toString() : v);
            }
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
        }

        void close() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot close a file of rejected lines in " + dir, e);
                } finally {
                    out = null;
                }
            }
        }
    }

    private static Iterator<Row> parsePartition(InputSplit split, Iterator<scala.Tuple2<LongWritable, BoundedLineInputFormat.BoundedLine>> it,
                                                LineParser parser,
                                                Configuration conf, RejectSink rejects) throws IOException {
        FileSplit fileSplit = (FileSplit) split;
        String file = fileSplit.getPath().toString();
        long base;
        if (fileSplit.getStart() == 0) {
            base = 0;
        } else {
            FileLayout layout = parser.layout(file);
            try (FSDataInputStream in = fileSplit.getPath().getFileSystem(conf).open(fileSplit.getPath())) {
                base = layout.lines().base(fileSplit.getStart(), in);
            }
        }
        SpillFile spill = new SpillFile(rejects, conf);
        return new Iterator<>() {
            long index;
            int keptRows;
            long keptChars;
            Row next;

            private void advance() {
                next = null;
                while (next == null && it.hasNext()) {
                    scala.Tuple2<LongWritable, BoundedLineInputFormat.BoundedLine> t = it.next();
                    long offset = t._1().get();
                    BoundedLineInputFormat.BoundedLine text = t._2();
                    long lineNumber = base + index + 1;
                    index++;
                    next = text.truncated()
                            ? parser.tooLong(file, offset, lineNumber, text.getBytes(), text.getLength(), text.fullLength(), MAX_LINE_BYTES)
                            : parser.parse(file, offset, lineNumber, text.getBytes(), text.getLength());
                    if (next != null && !next.isNullAt(next.size() - 1)) {
                        rejects.rejected.add(1);
                        String raw = next.getString(next.size() - 2); // the raw line, before the reason
                        int chars = raw == null ? 0 : raw.length();
                        if (keptRows < rejects.rowsPerTask && keptChars + chars <= rejects.charsPerTask) {
                            rejects.kept.add(next);
                            keptRows++;
                            keptChars += chars;
                        } else {
                            try {
                                spill.write(next);
                            } catch (IOException e) {
                                throw new UncheckedIOException("Cannot write rejected lines to " + rejects.spillDir, e);
                            }
                            rejects.spilled.add(1);
                        }
                    }
                }
                if (next == null) {
                    spill.close();
                }
            }

            @Override
            public boolean hasNext() {
                if (next == null) {
                    advance();
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Row r = next;
                next = null;
                return r;
            }
        };
    }

    private static String escapeGlob(String path) {
        return path.replaceAll("([{}\\[\\]*?,\\\\])", "\\\\$1");
    }
}
