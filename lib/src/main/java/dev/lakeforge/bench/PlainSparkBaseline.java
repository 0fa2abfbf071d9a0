package dev.lakeforge.bench;

import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.quality.Expectation;
import dev.lakeforge.quality.Reference;
import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

/**
 * The work of Lakeforge's ingest + refine written as the plain Spark code a competent engineer would write
 * without Lakeforge — the baseline of {@link LakehouseBenchmark}. It takes the same source definitions
 * ({@link SourceSpec}: paths, schemas, keys, required columns, expectations' SQL, references) so the rules are
 * identical, but none of Lakeforge's machinery: no file ledger or checksums, no line numbers, no run records,
 * no quality results, no all-or-nothing restore.
 * <pre>
 *   PlainSparkBaseline b = PlainSparkBaseline.create(spark).sources(catalog.inDependencyOrder())
 *       .landing("/data/landing").root("/tmp/baseline").runDate(d);
 *   b.ingest();   // landing files → bronze.&lt;source&gt; (raw strings, append)
 *   b.refine();   // bronze → quarantine.&lt;source&gt; + silver.&lt;source&gt; (MERGE)
 * </pre>
 * <ul>
 *   <li><b>bronze</b>: {@code spark.read().csv/json} with an explicit all-string schema, PERMISSIVE mode and a
 *       {@code _corrupt_record} column (RFC 4180: {@code escape = "}), plus {@code _source_file} (from
 *       {@code _metadata.file_path}), {@code _ingest_time} and {@code _load_id}; appended to a Delta table with
 *       {@code mergeSchema} (CSV files are grouped by header, so a file with a new column evolves the table).
 *       Malformed lines stay in bronze with their {@code _corrupt_record} and are quarantined in silver.</li>
 *   <li><b>silver</b>: the rows of the last load; trim, empty → null, lower/upper, {@code try_cast} (or
 *       {@code try_to_timestamp} with a configured pattern), unit conversion; the first failing check becomes the
 *       row's {@code _reason} — malformed, type error, unknown unit, missing required column, failed
 *       {@code quarantine} expectation (NULL counts as failed), then unknown foreign keys: the distinct values not
 *       in the referenced silver table (a left-anti join), broadcast back onto the rows. Refused rows are appended
 *       to {@code quarantine.<source>}; the others are de-duplicated by key keeping the latest event time
 *       ({@code row_number}) and MERGEd into {@code silver.<source>} on the key (update when newer, insert when
 *       new). SCD2 sources get the same plain upsert. {@code warn} expectations and missing-value flags only flag
 *       in Lakeforge, so the baseline leaves them out; a {@code fail} expectation stops the refine.</li>
 * </ul>
 * Files: {@code <root>/bronze/<source>}, {@code <root>/silver/<source>}, {@code <root>/quarantine/<source>}.
 */
public final class PlainSparkBaseline {
    public static final String CORRUPT = "_corrupt_record";
    public static final String SOURCE_FILE = "_source_file";
    public static final String INGEST_TIME = "_ingest_time";
    public static final String LOAD_ID = "_load_id";
    public static final String REASON = "_reason";
    private static final String RAW = "_raw_";

    private final SparkSession spark;
    private List<SourceSpec> sources = List.of();
    private String landing;
    private String root;
    private LocalDate runDate;
    private String lastLoadId;

    private PlainSparkBaseline(SparkSession spark) {
        this.spark = spark;
    }

    public static PlainSparkBaseline create(SparkSession spark) {
        return new PlainSparkBaseline(spark);
    }

    /** The sources, in dependency order (a source after the sources its references point to). */
    public PlainSparkBaseline sources(List<SourceSpec> sources) {
        this.sources = List.copyOf(sources);
        return this;
    }

    public PlainSparkBaseline landing(String landing) {
        this.landing = stripSlash(landing);
        return this;
    }

    /** Folder the baseline's Delta tables go to. */
    public PlainSparkBaseline root(String root) {
        this.root = stripSlash(root);
        return this;
    }

    /** Batch folders dated after this are ignored (default: none ignored). */
    public PlainSparkBaseline runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public String path(String layer, String source) {
        return root + "/" + layer + "/" + source;
    }

    /** Time spent on one source in one step. */
    public record SourceTiming(String source, String step, int files, long millis) {
    }

    // ------------------------------------------------------------------ bronze

    /** Loads every matching landing file into bronze (one append per source); refine() then takes this load. */
    public List<SourceTiming> ingest() {
        String loadId = UUID.randomUUID().toString();
        List<SourceTiming> out = new ArrayList<>();
        for (SourceSpec spec : sources) {
            long t0 = System.nanoTime();
            List<String> files = files(spec);
            if (files.isEmpty()) {
                continue;
            }
            Dataset<Row> raw = read(spec, files)
                    .withColumn(INGEST_TIME, current_timestamp())
                    .withColumn(LOAD_ID, lit(loadId));
            raw.write().format("delta").mode("append").option("mergeSchema", "true").save(path("bronze", spec.name()));
            out.add(new SourceTiming(spec.name(), "ingest", files.size(), (System.nanoTime() - t0) / 1_000_000));
        }
        lastLoadId = loadId;
        return out;
    }

    /** The source's landing files: its glob, batch folders up to the run date. */
    List<String> files(SourceSpec spec) {
        try {
            Path pattern = new Path(landing + "/" + spec.path());
            FileSystem fs = pattern.getFileSystem(spark.sparkContext().hadoopConfiguration());
            FileStatus[] matches = fs.globStatus(pattern);
            List<String> out = new ArrayList<>();
            if (matches == null) {
                return out;
            }
            for (FileStatus st : matches) {
                if (st.isFile() && st.getLen() > 0 && withinRunDate(st.getPath())) {
                    out.add(st.getPath().toString());
                }
            }
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean withinRunDate(Path file) {
        if (runDate == null) {
            return true;
        }
        String s = file.toUri().getPath();
        String rel = s.substring(s.indexOf(new Path(landing).toUri().getPath()) + new Path(landing).toUri().getPath().length());
        rel = rel.startsWith("/") ? rel.substring(1) : rel;
        int slash = rel.indexOf('/');
        if (slash <= 0) {
            return true;
        }
        try {
            return !LocalDate.parse(rel.substring(0, slash)).isAfter(runDate);
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    private Dataset<Row> read(SourceSpec spec, List<String> files) {
        switch (spec.format()) {
            case SourceSpec.CSV -> {
                // Files of one source may differ in their header (a column added later): read each header group
                // with its own all-string schema and union by name.
                String delimiter = spec.options().getOrDefault("delimiter", ",");
                delimiter = delimiter.equals("\\t") ? "\t" : delimiter;
                Map<List<String>, List<String>> byHeader = new LinkedHashMap<>();
                for (String f : files) {
                    byHeader.computeIfAbsent(header(f, delimiter), k -> new ArrayList<>()).add(f);
                }
                Dataset<Row> all = null;
                for (Map.Entry<List<String>, List<String>> g : byHeader.entrySet()) {
                    Dataset<Row> df = reader(stringSchema(g.getKey()))
                            .option("header", "true").option("sep", delimiter).option("quote", "\"").option("escape", "\"")
                            .csv(g.getValue().toArray(String[]::new));
                    df = df.select(col("*"), col("_metadata.file_path").as(SOURCE_FILE));
                    all = all == null ? df : all.unionByName(df, true);
                }
                return all;
            }
            case SourceSpec.JSON -> {
                Dataset<Row> df = reader(stringSchema(spec.columns())).json(files.toArray(String[]::new));
                return df.select(col("*"), col("_metadata.file_path").as(SOURCE_FILE));
            }
            case SourceSpec.PARQUET -> {
                Dataset<Row> df = spark.read().parquet(files.toArray(String[]::new));
                List<Column> cols = new ArrayList<>();
                for (String c : spec.columns()) {
                    cols.add(col(c).cast(DataTypes.StringType).as(c));
                }
                cols.add(lit(null).cast(DataTypes.StringType).as(CORRUPT));
                cols.add(col("_metadata.file_path").as(SOURCE_FILE));
                return df.select(cols.toArray(Column[]::new));
            }
            default -> throw new UnsupportedOperationException("The baseline reads files only; source " + spec.name()
                    + " has format " + spec.format());
        }
    }

    private DataFrameReader reader(StructType schema) {
        return spark.read().schema(schema).option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT);
    }

    private static StructType stringSchema(List<String> columns) {
        StructType s = new StructType();
        for (String c : columns) {
            s = s.add(c, DataTypes.StringType, true);
        }
        return s.add(CORRUPT, DataTypes.StringType, true);
    }

    private List<String> header(String file, String delimiter) {
        Path p = new Path(file);
        try (FSDataInputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = r.readLine();
            if (line == null) {
                return List.of();
            }
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            return Arrays.stream(line.split(java.util.regex.Pattern.quote(delimiter), -1))
                    .map(s -> s.strip().replace("\"", "")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the header of " + file, e);
        }
    }

    // ------------------------------------------------------------------ silver

    /** Refines the rows of the last {@link #ingest()} (all bronze rows if none ran in this object). */
    public List<SourceTiming> refine() {
        List<SourceTiming> out = new ArrayList<>();
        for (SourceSpec spec : sources) {
            String bronzePath = path("bronze", spec.name());
            if (!DeltaTable.isDeltaTable(spark, bronzePath)) {
                continue;
            }
            long t0 = System.nanoTime();
            Dataset<Row> bronze = spark.read().format("delta").load(bronzePath);
            if (lastLoadId != null) {
                bronze = bronze.where(col(LOAD_ID).equalTo(lastLoadId));
            }
            refineSource(spec, bronze);
            out.add(new SourceTiming(spec.name(), "refine", 0, (System.nanoTime() - t0) / 1_000_000));
        }
        return out;
    }

    private void refineSource(SourceSpec spec, Dataset<Row> bronze) {
        Dataset<Row> checked = withForeignKeyChecks(spec, typed(spec, bronze)).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            failIfFailExpectations(spec, checked);

            List<Column> q = new ArrayList<>();
            for (String c : spec.columns()) {
                q.add(col(RAW + c).as(c));
            }
            q.add(col(CORRUPT));
            q.add(col(REASON));
            q.add(col(SOURCE_FILE));
            q.add(current_timestamp().as("_quarantined_at"));
            checked.where(col(REASON).isNotNull()).select(q.toArray(Column[]::new))
                    .write().format("delta").mode("append").option("mergeSchema", "true").save(path("quarantine", spec.name()));

            Column[] key = spec.primaryKey().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
            List<Column> s = new ArrayList<>();
            for (String c : spec.columns()) {
                s.add(col(c));
            }
            s.add(col(SOURCE_FILE));
            s.add(current_timestamp().as("_refined_at"));
            Dataset<Row> latest = checked.where(col(REASON).isNull())
                    .withColumn("_rn", row_number().over(Window.partitionBy(key).orderBy(col(spec.eventTime()).desc_nulls_last())))
                    .where(col("_rn").equalTo(1))
                    .select(s.toArray(Column[]::new));

            String silverPath = path("silver", spec.name());
            if (!DeltaTable.isDeltaTable(spark, silverPath)) {
                latest.limit(0).write().format("delta").save(silverPath);
            }
            String on = spec.primaryKey().stream().map(k -> "t.`" + k + "` = s.`" + k + "`").collect(Collectors.joining(" AND "));
            String et = spec.eventTime();
            DeltaTable.forPath(spark, silverPath).as("t").merge(latest.as("s"), on)
                    .whenMatched("s.`" + et + "` > t.`" + et + "`").updateAll()
                    .whenNotMatched().insertAll()
                    .execute();
        } finally {
            checked.unpersist();
        }
    }

    /**
     * Raw strings → typed, standardised columns (raw kept as {@code _raw_<column>}), with {@value #REASON}: the
     * first row-level check the row fails, null for a good row.
     */
    static Dataset<Row> typed(SourceSpec spec, Dataset<Row> bronze) {
        List<String> present = Arrays.asList(bronze.columns());
        List<Column> select = new ArrayList<>();
        List<Column> reasons = new ArrayList<>();
        reasons.add(when(col(CORRUPT).isNotNull(), lit("malformed")));
        for (StructField f : spec.schema().fields()) {
            String c = f.name();
            Column raw = present.contains(c) ? col(c) : lit(null).cast(DataTypes.StringType);
            Column v = spec.trimStrings() ? trim(raw) : raw;
            v = when(v.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(v);
            if (spec.lowerCase().contains(c)) {
                v = lower(v);
            }
            if (spec.upperCase().contains(c)) {
                v = upper(v);
            }
            DataType t = f.dataType();
            String pattern = spec.formats().get(c);
            Column typed;
            if (pattern != null && (t.equals(DataTypes.DateType) || t.equals(DataTypes.TimestampType))) {
                typed = try_to_timestamp(v, lit(pattern)).cast(t);
            } else {
                typed = t.equals(DataTypes.StringType) ? v : v.try_cast(t);
            }
            select.add(raw.as(RAW + c));
            select.add(typed.as(c));
            if (!t.equals(DataTypes.StringType)) {
                reasons.add(when(col(c).isNull().and(trim(col(RAW + c)).notEqual("")), lit("type_error:" + c)));
            }
        }
        select.add(present.contains(CORRUPT) ? col(CORRUPT) : lit(null).cast(DataTypes.StringType).as(CORRUPT));
        select.add(present.contains(SOURCE_FILE) ? col(SOURCE_FILE) : lit(null).cast(DataTypes.StringType).as(SOURCE_FILE));
        Dataset<Row> df = bronze.select(select.toArray(Column[]::new));

        for (SourceSpec.UnitRule u : spec.units()) {
            Column factor = lit(null).cast(DataTypes.DoubleType);
            for (Map.Entry<String, Double> e : u.factors().entrySet()) {
                factor = when(col(u.unitColumn()).equalTo(e.getKey()), lit(e.getValue())).otherwise(factor);
            }
            DataType valueType = spec.schema().apply(u.column()).dataType();
            String f = "_factor_" + u.column();
            String unitReason = "_unit_reason_" + u.column();
            df = df.withColumn(f, factor)
                    .withColumn(unitReason, when(col(u.column()).isNotNull().and(col(f).isNull()), lit("unknown_unit:" + u.unitColumn())))
                    .withColumn(u.column(), when(col(f).isNotNull(),
                            col(u.column()).cast(DataTypes.DoubleType).multiply(col(f)).cast(valueType)).otherwise(col(u.column())))
                    .withColumn(u.unitColumn(), when(col(f).isNotNull(), lit(u.target())).otherwise(col(u.unitColumn())))
                    .drop(f);
            reasons.add(col(unitReason));
        }
        for (String c : spec.required()) {
            reasons.add(when(col(c).isNull(), lit("missing_required:" + c)));
        }
        for (Expectation e : spec.expectations()) {
            if (e.action() == Expectation.Action.QUARANTINE) {
                reasons.add(when(not(coalesce(expr(e.sql()), lit(false))), lit("expectation:" + e.name())));
            }
        }
        df = df.withColumn(REASON, coalesce(reasons.toArray(Column[]::new)));
        for (SourceSpec.UnitRule u : spec.units()) {
            df = df.drop("_unit_reason_" + u.column());
        }
        return df;
    }

    /**
     * Unknown foreign keys: the distinct values of the still-good rows that are not in the referenced silver table
     * (a left-anti join) — few in practice — are broadcast back onto the rows, whose reason they set.
     */
    private Dataset<Row> withForeignKeyChecks(SourceSpec spec, Dataset<Row> df) {
        int i = 0;
        for (Reference ref : spec.references()) {
            Column fk = col(ref.column()).cast(DataTypes.StringType);
            String reason = "unknown_reference:" + ref.column();
            String target = path(ref.table().substring(0, ref.table().indexOf('.')), ref.table().substring(ref.table().indexOf('.') + 1));
            if (!DeltaTable.isDeltaTable(spark, target)) {
                df = df.withColumn(REASON, coalesce(col(REASON), when(fk.isNotNull(), lit(reason))));
                continue;
            }
            String u = "_unknown_" + i++;
            Dataset<Row> keys = spark.read().format("delta").load(target).select(col(ref.key()).cast(DataTypes.StringType).as(u));
            Dataset<Row> unknown = df.where(col(REASON).isNull().and(fk.isNotNull())).select(fk.as(u)).distinct()
                    .join(keys, new String[]{u}, "left_anti");
            Dataset<Row> flags = unknown.withColumn(u + "_flag", lit(true));
            df = df.join(broadcast(flags), fk.equalTo(flags.col(u)), "left")
                    .withColumn(REASON, coalesce(col(REASON), when(col(u + "_flag"), lit(reason))))
                    .drop(u, u + "_flag");
        }
        return df;
    }

    private static void failIfFailExpectations(SourceSpec spec, Dataset<Row> checked) {
        for (Expectation e : spec.expectations()) {
            if (e.action() == Expectation.Action.FAIL) {
                long bad = checked.where(col(REASON).isNull().and(not(coalesce(expr(e.sql()), lit(false))))).count();
                if (bad > 0) {
                    throw new IllegalStateException("Source " + spec.name() + ": " + bad + " row(s) fail expectation " + e.name()
                            + " (" + e.sql() + ")");
                }
            }
        }
    }

    // ------------------------------------------------------------------ counts (outside any timing)

    /** Row counts of a table of this baseline, or -1 when it does not exist. */
    public long count(String layer, String source) {
        String p = path(layer, source);
        return DeltaTable.isDeltaTable(spark, p) ? spark.read().format("delta").load(p).count() : -1;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
