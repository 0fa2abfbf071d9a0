package dev.lakeforge.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.config.LakeforgeConfig;
import dev.lakeforge.ingest.IngestSourceAction;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.maintenance.MaintainAction;
import dev.lakeforge.ml.BusinessModel;
import dev.lakeforge.ml.ModelRegistry;
import dev.lakeforge.ml.forecast.ForecastDemandAction;
import dev.lakeforge.publish.PublishSettings;
import dev.lakeforge.quality.QualityResults;
import dev.lakeforge.refine.RefineSourceAction;
import dev.lakeforge.runs.RunRecordStore;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

/**
 * Reads what the pages show from the lakehouse: run records, every table's schema, Delta history, a sample and its
 * quality results and rejects, the model registry with cards, metrics and importances, the business results and the
 * production plan. Everything is a bounded sample or an aggregate — never a whole table on the driver.
 */
final class SiteReader {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final int CELL = 80;

    private final Lakehouse lakehouse;
    private final LakeforgeConfig config;
    private final DocsSettings settings;
    private final ChartSink charts;

    /** Writes a chart (an SVG document) under a name and returns its path relative to the site root. */
    interface ChartSink {
        String put(String name, String svg);
    }

    SiteReader(Lakehouse lakehouse, LakeforgeConfig config, DocsSettings settings, ChartSink charts) {
        this.lakehouse = lakehouse;
        this.config = config;
        this.settings = settings;
        this.charts = charts;
    }

    String chart(String name, String svg) {
        return charts.put(name, svg);
    }

    static String tableHref(String table) {
        return "tables/" + safe(table) + ".html";
    }

    static String modelHref(String model) {
        return "models/" + safe(model) + ".html";
    }

    static String runHref(String runId) {
        return "runs/" + safe(runId) + ".html";
    }

    /** A file name from a table, model or run name: anything but letters, digits, '.', '_' and '-' becomes '_'. */
    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    // ---------------------------------------------------------------- runs

    List<Row> recentRuns() {
        return RunRecordStore.of(lakehouse, config).recent(settings.runs(), Optional.empty());
    }

    static SiteModel.RunRow runRow(Row r) {
        Map<String, Long> metrics = metrics(r);
        long in = total(metrics, ".rows_in");
        // out: what reached silver (refine), else what reached bronze (ingest alone)
        long refined = total(metrics, ".rows_refined");
        long out = refined > 0 ? refined : total(metrics, ".rows_loaded");
        long rejected = total(metrics, ".rows_rejected");
        long quarantined = total(metrics, ".rows_quarantined");
        Long ms = r.isNullAt(r.fieldIndex("duration_ms")) ? null : r.<Long>getAs("duration_ms");
        String id = r.getAs("run_id");
        return new SiteModel.RunRow(id, r.getAs("job"), String.valueOf(r.<java.sql.Date>getAs("run_date")), r.getAs("status"),
                TIME.format(r.<Timestamp>getAs("started_at").toInstant()), ms == null ? "" : duration(ms), in, out, rejected, quarantined,
                r.getAs("error_message"), runHref(id));
    }

    SiteModel.RunPage runPage(Row r, java.util.Set<String> tablesWithPages) {
        List<SiteModel.TableAccessRow> tables = new ArrayList<>();
        for (Row t : r.<Row>getList(r.fieldIndex("tables"))) {
            String name = t.getString(0);
            tables.add(new SiteModel.TableAccessRow(name, t.getString(1).toLowerCase(Locale.ROOT), t.getLong(2), t.getLong(3),
                    tablesWithPages.contains(name) ? tableHref(name) : null));
        }
        List<SiteModel.Metric> metrics = new ArrayList<>();
        new TreeMap<>(metrics(r)).forEach((k, v) -> metrics.add(new SiteModel.Metric(k, v)));
        return new SiteModel.RunPage(runRow(r), r.getAs("environment"), r.getAs("config_hash"), r.getAs("project_version"), tables, metrics);
    }

    private static Map<String, Long> metrics(Row r) {
        if (r.isNullAt(r.fieldIndex("metrics"))) {
            return Map.of();
        }
        return scala.jdk.javaapi.CollectionConverters.asJava(r.<scala.collection.Map<String, Long>>getAs("metrics"));
    }

    private static long total(Map<String, Long> metrics, String suffix) {
        return metrics.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).mapToLong(Map.Entry::getValue).sum();
    }

    static String duration(long ms) {
        long s = Math.round(ms / 1000.0);
        return s < 60 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    // ---------------------------------------------------------------- tables

    List<TableName> tables() {
        return MaintainAction.allTables(lakehouse).stream().sorted(Comparator.comparing(TableName::toString)).toList();
    }

    /** Table descriptions and column descriptions from the publish configuration (gold) and the source catalog. */
    record Descriptions(Map<String, String> tables, Map<String, Map<String, String>> columns) {
    }

    Descriptions descriptions(SourceCatalog sources, PublishSettings publish) {
        Map<String, String> tables = new TreeMap<>();
        Map<String, Map<String, String>> columns = new TreeMap<>();
        for (SourceSpec s : sources.all()) {
            String where = s.isFileFormat() ? s.format() + " files matching " + s.path() : "a " + s.format() + " source";
            tables.put(IngestSourceAction.bronze(s).toString(), "Raw rows of source " + s.name() + " as they landed (" + where
                    + "), with the file, line and checksum they came from. Append-only.");
            tables.put(RefineSourceAction.silver(s).toString(), "Typed, cleaned rows of source " + s.name() + " (" + s.silverMode()
                    + (s.primaryKey().isEmpty() ? "" : ", key " + String.join(", ", s.primaryKey())) + "); rows that broke a rule are in "
                    + RefineSourceAction.quarantine(s) + " with their reasons.");
            tables.put(RefineSourceAction.quarantine(s).toString(), "Rows of source " + s.name() + " held back by refine, with the reasons (_reasons).");
        }
        tables.put(IngestSourceAction.REJECTS.toString(), "Lines ingest could not parse, with file, line number and reason.");
        for (PublishSettings.PublishedTableSpec t : publish.tables()) {
            tables.put(t.source().toString(), t.description());
            columns.put(t.source().toString(), t.columns());
        }
        return new Descriptions(tables, columns);
    }

    SiteModel.TablePage tablePage(TableName name, Descriptions d, Dataset<Row> quality, LineageGraph lineage) {
        String qualified = name.toString();
        Dataset<Row> df = lakehouse.read(name);
        Map<String, String> described = d.columns().getOrDefault(qualified, Map.of());
        List<SiteModel.ColumnRow> columns = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            columns.add(new SiteModel.ColumnRow(f.name(), f.dataType().simpleString(), f.nullable(), described.getOrDefault(f.name(), "")));
        }
        long rows = df.count();
        List<SiteModel.VersionRow> history = new ArrayList<>();
        String lastModified = "";
        for (Row h : lakehouse.deltaTable(name).history(settings.history()).collectAsList()) {
            Map<String, String> m = h.isNullAt(h.fieldIndex("operationMetrics")) ? Map.of()
                    : scala.jdk.javaapi.CollectionConverters.asJava(h.<scala.collection.Map<String, String>>getAs("operationMetrics"));
            String written = m.getOrDefault("numOutputRows", m.getOrDefault("numTargetRowsInserted", ""));
            String ts = TIME.format(h.<Timestamp>getAs("timestamp").toInstant());
            if (lastModified.isEmpty()) {
                lastModified = ts;
            }
            String meta = h.isNullAt(h.fieldIndex("userMetadata")) ? "" : h.getAs("userMetadata");
            history.add(new SiteModel.VersionRow(h.<Long>getAs("version"), ts, h.getAs("operation"), written, meta));
        }
        long version = history.isEmpty() ? -1 : history.get(0).version();
        List<String> header = List.of(df.columns());
        List<List<String>> sample = cells(df.limit(settings.sampleRows()).collectAsList());

        List<SiteModel.CheckRow> checks = new ArrayList<>();
        String qualityChart = null;
        if (quality != null) {
            List<Row> results = quality.where(col("table").equalTo(qualified)).collectAsList();
            if (!results.isEmpty()) {
                checks = checkRows(results);
                Map<String, long[]> byRun = new TreeMap<>();
                for (Row r : results) {
                    long[] pf = byRun.computeIfAbsent(String.valueOf(r.<java.sql.Date>getAs("run_date")), k -> new long[2]);
                    pf[r.<Boolean>getAs("passed") ? 0 : 1]++;
                }
                qualityChart = charts.put("quality-" + safe(qualified), Charts.passFail("Checks passed and failed per run date", byRun));
            }
        }

        TableName rejectsTable = null;
        List<SiteModel.ReasonRow> reasons = List.of();
        if ("silver".equals(name.layer())) {
            TableName q = TableName.of("quarantine", name.table());
            if (lakehouse.exists(q)) {
                rejectsTable = q;
                reasons = reasons(lakehouse.read(q).select(explode(col("_reasons")).as("reason")));
            }
        } else if ("bronze".equals(name.layer()) && !name.equals(IngestSourceAction.REJECTS) && lakehouse.exists(IngestSourceAction.REJECTS)) {
            rejectsTable = IngestSourceAction.REJECTS;
            reasons = reasons(lakehouse.read(IngestSourceAction.REJECTS).where(col("source").equalTo(name.table())).select("reason"));
        } else if ("quarantine".equals(name.layer())) {
            reasons = reasons(df.select(explode(col("_reasons")).as("reason")));
        } else if (name.equals(IngestSourceAction.REJECTS)) {
            reasons = reasons(df.select("reason"));
        }
        String reasonsChart = null;
        if (!reasons.isEmpty()) {
            Map<String, Double> top = new LinkedHashMap<>();
            reasons.stream().limit(15).forEach(r -> top.put(r.reason(), (double) r.rows()));
            reasonsChart = charts.put("reasons-" + safe(qualified), Charts.bars("Rows held back, by reason", "rows", Charts.single("rows", top), true));
        }
        List<SiteModel.Link> up = lineage.upstream(qualified).stream().map(id -> new SiteModel.Link(lineage.label(id), lineage.href(id))).toList();
        List<SiteModel.Link> down = lineage.downstream(qualified).stream().map(id -> new SiteModel.Link(lineage.label(id), lineage.href(id))).toList();
        return new SiteModel.TablePage(qualified, name.layer(), d.tables().getOrDefault(qualified, ""), rows, version, lastModified, columns,
                history, header, sample, checks, qualityChart,
                rejectsTable == null ? null : new SiteModel.Link(rejectsTable.toString(), tableHref(rejectsTable.toString())), reasons, reasonsChart, up, down, tableHref(qualified));
    }

    private static List<SiteModel.ReasonRow> reasons(Dataset<Row> reasonColumn) {
        return reasonColumn.groupBy("reason").agg(count(lit(1)).as("rows")).orderBy(desc("rows"), col("reason")).limit(50).collectAsList()
                .stream().map(r -> new SiteModel.ReasonRow(String.valueOf(r.get(0)), r.getLong(1))).toList();
    }

    /** The latest result of each check, with ✓/✗ over the run dates shown (oldest first). */
    private List<SiteModel.CheckRow> checkRows(List<Row> results) {
        Map<String, List<Row>> byCheck = new TreeMap<>();
        for (Row r : results) {
            byCheck.computeIfAbsent(r.getAs("check"), k -> new ArrayList<>()).add(r);
        }
        List<SiteModel.CheckRow> out = new ArrayList<>();
        byCheck.forEach((check, rows) -> {
            rows.sort(Comparator.comparing((Row r) -> r.<Timestamp>getAs("recorded_at")));
            Row last = rows.get(rows.size() - 1);
            StringBuilder history = new StringBuilder();
            rows.forEach(r -> history.append(r.<Boolean>getAs("passed") ? '✓' : '✗'));
            out.add(new SiteModel.CheckRow(check, last.getAs("kind"), last.getAs("action"), last.getAs("passed"), last.<Long>getAs("failed_rows"),
                    last.<Long>getAs("total_rows"), last.isNullAt(last.fieldIndex("details")) ? "" : last.getAs("details"), history.toString()));
        });
        return out;
    }

    /** The quality results of the last run dates (bounded: {@code settings.runs()} dates). */
    Dataset<Row> recentQuality() {
        if (!lakehouse.exists(QualityResults.TABLE)) {
            return null;
        }
        Dataset<Row> all = lakehouse.read(QualityResults.TABLE);
        List<Row> dates = all.select("run_date").distinct().orderBy(desc("run_date")).limit(settings.runs()).collectAsList();
        if (dates.isEmpty()) {
            return null;
        }
        java.sql.Date oldest = dates.get(dates.size() - 1).getDate(0);
        return all.where(col("run_date").geq(lit(oldest))).cache();
    }

    static List<List<String>> cells(List<Row> rows) {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < r.length(); i++) {
                cells.add(cell(r.get(i)));
            }
            out.add(cells);
        }
        return out;
    }

    static String cell(Object v) {
        if (v == null) {
            return "NULL";
        }
        String s = v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d)
                : v instanceof scala.collection.Iterable<?> it ? it.mkString("[", ", ", "]") : String.valueOf(v);
        return s.length() > CELL ? s.substring(0, CELL - 1) + "…" : s;
    }

    // ---------------------------------------------------------------- models

    List<SiteModel.ModelPage> modelPages(List<BusinessModel> business) {
        if (!lakehouse.exists(ModelRegistry.TABLE)) {
            return List.of();
        }
        List<Row> registry = lakehouse.read(ModelRegistry.TABLE).orderBy("name", "version").collectAsList();
        Map<String, List<Row>> byName = new TreeMap<>();
        registry.forEach(r -> byName.computeIfAbsent(r.getAs("name"), k -> new ArrayList<>()).add(r));
        List<SiteModel.ModelPage> pages = new ArrayList<>();
        byName.forEach((name, versions) -> pages.add(modelPage(name, versions, business.stream().filter(b -> b.spec().name().equals(name)).findFirst())));
        return pages;
    }

    private SiteModel.ModelPage modelPage(String name, List<Row> versions, Optional<BusinessModel> business) {
        Row latest = versions.get(versions.size() - 1);
        Row champion = versions.stream().filter(r -> ModelRegistry.CHAMPION.equals(r.getAs("alias"))).reduce((a, b) -> b).orElse(latest);
        String metric = champion.getAs("primary_metric");
        List<SiteModel.ModelVersionRow> rows = new ArrayList<>();
        Map<String, Double> model = new LinkedHashMap<>();
        Map<String, Double> baseline = new LinkedHashMap<>();
        for (Row r : versions) {
            Double value = metric(r, "metrics", metric);
            Double base = metric(r, "baseline_metrics", metric);
            String v = "v" + r.<Integer>getAs("version");
            if (value != null) {
                model.put(v, value);
            }
            if (base != null) {
                baseline.put(v, base);
            }
            rows.add(new SiteModel.ModelVersionRow(r.getAs("version"), r.getAs("alias"), TIME.format(r.<Timestamp>getAs("created_at").toInstant()),
                    r.getAs("primary_metric"), value == null ? "" : fmt(value), base == null ? "" : fmt(base),
                    r.isNullAt(r.fieldIndex("train_rows")) ? 0 : r.<Long>getAs("train_rows"), r.getAs("run_id")));
        }
        String metricChart = charts.put("metric-" + safe(name), Charts.bars(metric + " by model version (held-out data)", metric,
                baseline.isEmpty() ? Charts.single("model", model) : Charts.of(List.of("model", "baseline"), List.of(model, baseline)), false));
        String path = champion.getAs("path");
        String card = readText(path + "/card.md").map(SiteReader::markdown).orElse("");
        Map<String, Double> importances = importances(path + "/metrics.json");
        String importanceChart = importances.isEmpty() ? null
                : charts.put("importance-" + safe(name), Charts.bars("Feature importances (champion v" + champion.<Integer>getAs("version") + ")",
                "importance", Charts.single("importance", importances), true));
        List<SiteModel.Section> sections = new ArrayList<>();
        List<SiteModel.Link> outputs = new ArrayList<>();
        business.ifPresent(b -> {
            b.outputs().stream().filter(lakehouse::exists).forEach(t -> outputs.add(new SiteModel.Link(t.toString(), tableHref(t.toString()))));
            sections.addAll(businessSections(b, name));
        });
        return new SiteModel.ModelPage(name, champion.getAs("task"), champion.getAs("algorithm"), metric,
                "v" + champion.<Integer>getAs("version") + " (" + champion.getAs("alias") + ")", trainingSource(champion), rows, card,
                metricChart, importanceChart, sections, outputs, modelHref(name));
    }

    private static String trainingSource(Row r) {
        String source = r.getAs("training_source");
        return r.isNullAt(r.fieldIndex("training_version")) ? source : source + "@v" + r.<Long>getAs("training_version");
    }

    private static Double metric(Row r, String field, String metric) {
        if (r.isNullAt(r.fieldIndex(field))) {
            return null;
        }
        scala.collection.Map<String, Object> m = r.getAs(field);
        return m.get(metric).map(v -> ((Number) v).doubleValue()).getOrElse(() -> null);
    }

    private Map<String, Double> importances(String metricsJson) {
        Map<String, Double> out = new LinkedHashMap<>();
        readText(metricsJson).ifPresent(text -> {
            try {
                JsonNode imp = new ObjectMapper().readTree(text).path("importances");
                List<Map.Entry<String, Double>> all = new ArrayList<>();
                imp.fields().forEachRemaining(e -> all.add(Map.entry(e.getKey(), e.getValue().asDouble())));
                all.stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(15).forEach(e -> out.put(e.getKey(), e.getValue()));
            } catch (IOException e) {
                // a card without readable metrics simply shows no importances
            }
        });
        return out;
    }

    private Optional<String> readText(String path) {
        FileSystem fs = lakehouse.fileSystem();
        Path p = new Path(path);
        try {
            if (!fs.exists(p)) {
                return Optional.empty();
            }
            try (FSDataInputStream in = fs.open(p)) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Markdown to HTML; raw HTML in the source is escaped, never passed through. */
    static String markdown(String md) {
        var extensions = List.of(TablesExtension.create());
        Parser parser = Parser.builder().extensions(extensions).build();
        return HtmlRenderer.builder().extensions(extensions).escapeHtml(true).sanitizeUrls(true).build().render(parser.parse(md));
    }

    private List<SiteModel.Section> businessSections(BusinessModel b, String name) {
        List<SiteModel.Section> out = new ArrayList<>();
        if (!lakehouse.exists(b.output())) {
            return out;
        }
        switch (b.job()) {
            case FORECAST -> {
                TableName series = ForecastDemandAction.DEFAULT_BACKTEST_SERIES;
                if (lakehouse.exists(series)) {
                    Dataset<Row> s = lakehouse.read(series).where(col("model").equalTo(name));
                    Row last = s.agg(max("as_of_week")).first();
                    if (!last.isNullAt(0)) {
                        Dataset<Row> latest = s.where(col("as_of_week").equalTo(lit(last.getDate(0))));
                        int version = latest.agg(max("model_version")).first().getInt(0);
                        // every week once, forecast from its latest origin before it (the shortest horizon)
                        List<Row> weeks = latest.where(col("model_version").equalTo(version)).orderBy("week_start", "horizon").collectAsList();
                        Map<LocalDate, Double> actual = new TreeMap<>();
                        Map<LocalDate, Double> forecast = new TreeMap<>();
                        Map<LocalDate, Double> naive = new TreeMap<>();
                        for (Row w : weeks) {
                            LocalDate d = w.<java.sql.Date>getAs("week_start").toLocalDate();
                            if (actual.containsKey(d)) {
                                continue;
                            }
                            actual.put(d, w.getAs("actual_units"));
                            forecast.put(d, w.getAs("forecast_units"));
                            naive.put(d, w.getAs("seasonal_naive_units"));
                        }
                        Map<String, Map<LocalDate, Double>> lines = new LinkedHashMap<>();
                        lines.put("actual", actual);
                        lines.put("forecast (model v" + version + ")", forecast);
                        lines.put("seasonal naive", naive);
                        String chart = charts.put("backtest-" + safe(name), Charts.lines("Backtest: forecast against actual, all products", "units", lines));
                        List<List<String>> table = cells(latest.where(col("model_version").equalTo(version)).orderBy("origin_week", "horizon")
                                .select("origin_week", "week_start", "horizon", "actual_units", "forecast_units", "seasonal_naive_units").limit(40).collectAsList());
                        out.add(new SiteModel.Section("Backtest: forecast against actual", "Each origin's model was fit only on what was known at the origin and "
                                + "forecast the weeks after it (horizons 1 to 4); the chart shows every backtest week.", chart,
                                "Line chart of actual, forecast and seasonal-naive units per week", List.of("origin week", "week", "horizon", "actual",
                                "forecast", "seasonal naive"), table));
                    }
                }
                b.secondOutput().filter(lakehouse::exists).ifPresent(bt -> {
                    Dataset<Row> errors = lakehouse.read(bt).where(col("model").equalTo(name));
                    Row last = errors.agg(max("as_of_week")).first();
                    if (!last.isNullAt(0)) {
                        List<Row> rows = errors.where(col("as_of_week").equalTo(lit(last.getDate(0))))
                                .orderBy(col("model_version").desc(), col("horizon"), col("method"))
                                .select("model_version", "horizon", "method", "wape", "smape", "mae", "rmse", "rows").limit(40).collectAsList();
                        out.add(new SiteModel.Section("Backtest errors by horizon", "Horizon 0 = all horizons. WAPE and RMSE are the measures "
                                + "to beat for intermittent weekly demand.", null, null,
                                List.of("model version", "horizon", "method", "WAPE %", "sMAPE %", "MAE", "RMSE", "forecasts"), cells(rows)));
                    }
                });
            }
            case CHURN_SCORES -> {
                Dataset<Row> scores = lakehouse.read(b.output());
                Map<String, Double> bands = new LinkedHashMap<>();
                for (Row r : scores.groupBy("risk_band").agg(count(lit(1))).orderBy("risk_band").collectAsList()) {
                    bands.put(String.valueOf(r.get(0)), (double) r.getLong(1));
                }
                String chart = charts.put("bands-" + safe(name), Charts.bars("Customers by churn risk band", "customers", Charts.single("customers", bands), false));
                List<List<String>> top = cells(scores.orderBy(col("churn_probability").desc(), col("customer_id"))
                        .select("customer_id", "region", "customer_type", "churn_probability", "risk_band").limit(10).collectAsList());
                out.add(new SiteModel.Section("Churn risk today", "The ten customers most likely to churn, and how all scored customers fall into the bands.",
                        chart, "Bar chart of customers per risk band", List.of("customer", "region", "type", "churn probability", "risk band"), top));
            }
            case SEGMENTS -> b.secondOutput().filter(lakehouse::exists).ifPresent(profilesTable -> {
                Dataset<Row> profiles = lakehouse.read(profilesTable).orderBy("segment_id");
                Map<String, Double> sizes = new LinkedHashMap<>();
                List<Row> rows = profiles.collectAsList();
                rows.forEach(r -> sizes.put(r.getAs("segment_id") + " " + r.getAs("segment_name"), ((Number) r.getAs("customers")).doubleValue()));
                String chart = charts.put("segments-" + safe(name), Charts.bars("Customers per segment", "customers", Charts.single("customers", sizes), true));
                out.add(new SiteModel.Section("Segment profiles", "One row per segment: its size and how it differs from the average customer.", chart,
                        "Bar chart of customers per segment", List.of(profiles.columns()), cells(rows)));
            });
            case RECOMMENDATIONS -> {
                Dataset<Row> recs = lakehouse.read(b.output());
                List<Row> customers = recs.select("customer_id").distinct().orderBy("customer_id").limit(5).collectAsList();
                if (!customers.isEmpty()) {
                    Dataset<Row> few = recs.join(lakehouse.spark().createDataFrame(customers, recs.select("customer_id").schema()), "customer_id")
                            .where(col("rank").leq(5));
                    TableName products = TableName.of("silver", "products");
                    List<String> header = new ArrayList<>(List.of("customer", "rank", "product"));
                    if (lakehouse.exists(products) && List.of(lakehouse.read(products).columns()).containsAll(List.of("name", "is_current"))) {
                        Dataset<Row> names = lakehouse.read(products).where(col("is_current")).select(col("product_id"), col("name").as("product_name"));
                        few = few.join(names, new String[]{"product_id"}, "left");
                        header.add("product name");
                    }
                    header.addAll(List.of("score", "from model"));
                    List<String> columns = new ArrayList<>(List.of("customer_id", "rank", "product_id"));
                    if (header.contains("product name")) {
                        columns.add("product_name");
                    }
                    columns.addAll(List.of("score", "from_model"));
                    List<Row> rows = few.orderBy("customer_id", "rank").selectExpr(columns.toArray(String[]::new)).collectAsList();
                    out.add(new SiteModel.Section("Sample recommendations", "The top five products for five customers: a sanity look, not an evaluation "
                            + "(the metrics above are).", null, null, header, cells(rows)));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- production plan

    List<SiteModel.Section> planSections() {
        TableName planTable = TableName.parse(config.models().planTable());
        List<SiteModel.Section> out = new ArrayList<>();
        if (!lakehouse.exists(planTable)) {
            return out;
        }
        Dataset<Row> plan = lakehouse.read(planTable);
        Row origin = plan.agg(max("origin_week")).first();
        if (origin.isNullAt(0)) {
            return out;
        }
        Dataset<Row> latest = plan.where(col("origin_week").equalTo(lit(origin.getDate(0))));
        java.sql.Date week = latest.agg(min("week_start")).first().getDate(0);
        List<Row> perPlant = latest.where(col("week_start").equalTo(lit(week))).groupBy("plant_id")
                .agg(sum("planned_qty").as("planned"), first("plant_weekly_capacity").as("capacity"), sum("shortfall_qty").as("shortfall"),
                        sum("required_qty").as("required"))
                .orderBy("plant_id").collectAsList();
        Map<String, Double> planned = new LinkedHashMap<>();
        Map<String, Double> capacity = new LinkedHashMap<>();
        Map<String, Double> shortfall = new LinkedHashMap<>();
        List<List<String>> rows = new ArrayList<>();
        Function<Object, Double> d = v -> v == null ? 0.0 : ((Number) v).doubleValue();
        for (Row r : perPlant) {
            String plant = String.valueOf(r.get(0));
            double p = d.apply(r.get(1));
            double c = d.apply(r.get(2));
            double s = d.apply(r.get(3));
            planned.put(plant, p);
            capacity.put(plant, c);
            shortfall.put(plant, s);
            rows.add(List.of(plant, fmt0(c), fmt0(d.apply(r.get(4))), fmt0(p), c > 0 ? String.format(Locale.ROOT, "%.0f %%", 100 * p / c) : "",
                    fmt0(s)));
        }
        String chart = charts.put("plan-week", Charts.bars("Week of " + week + ": planned units against capacity, per plant", "units",
                Charts.of(List.of("capacity", "planned", "shortfall"), List.of(capacity, planned, shortfall)), false));
        out.add(new SiteModel.Section("This week's plan per plant (week of " + week + ")", "Forecast origin " + origin.getDate(0)
                + ". Planned units stay within each plant's weekly capacity; what does not fit is the shortfall.", chart,
                "Bar chart of capacity, planned units and shortfall per plant", List.of("plant", "weekly capacity", "required", "planned",
                "capacity used", "shortfall"), rows));

        List<Row> weeks = latest.groupBy("week_start", "plant_id").agg(sum("planned_qty"), first("plant_weekly_capacity"), sum("shortfall_qty"))
                .orderBy("week_start", "plant_id").collectAsList();
        List<List<String>> weekRows = new ArrayList<>();
        for (Row r : weeks) {
            double p = d.apply(r.get(2));
            double c = d.apply(r.get(3));
            weekRows.add(List.of(String.valueOf(r.get(0)), String.valueOf(r.get(1)), fmt0(p), c > 0 ? String.format(Locale.ROOT, "%.0f %%", 100 * p / c) : "",
                    fmt0(d.apply(r.get(4)))));
        }
        out.add(new SiteModel.Section("Every planned week", null, null, null, List.of("week", "plant", "planned", "capacity used", "shortfall"), weekRows));
        List<Row> shortfalls = latest.where(col("shortfall_qty").gt(0)).orderBy(col("shortfall_qty").desc(), col("product_id"))
                .select("week_start", "plant_id", "product_id", "required_qty", "planned_qty", "shortfall_qty").limit(15).collectAsList();
        out.add(new SiteModel.Section("Largest shortfalls", shortfalls.isEmpty() ? "No shortfall: every requirement fits the plants' capacity." : null,
                null, null, List.of("week", "plant", "product", "required", "planned", "shortfall"), cells(shortfalls)));
        return out;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
