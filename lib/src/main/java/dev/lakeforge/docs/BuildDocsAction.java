package dev.lakeforge.docs;

import dev.lakeforge.config.LakeforgeConfig;
import dev.lakeforge.ingest.IngestSourceAction;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.ml.BusinessModel;
import dev.lakeforge.publish.PublishSettings;
import dev.lakeforge.refine.RefineSourceAction;
import dev.lakeforge.runs.JobRun;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Writes the data docs: a static site (HTML from FreeMarker templates, CSS, charts as SVG files; no script, nothing
 * fetched at view time) for the lakehouse as of its latest run — overview of the last runs, lineage, a page per
 * table, per model and per run, and the production plan.
 *
 * <pre>
 *   DocsResult site = new BuildDocsAction(lakehouse, config).settings(DocsSettings.from(config)).execute();
 * </pre>
 *
 * The site is built in a sibling folder and moved into place when complete, so a browser never sees half a site.
 */
public final class BuildDocsAction {
    private static final Logger LOG = LoggerFactory.getLogger(BuildDocsAction.class);
    private static final String TEMPLATES = "/dev/lakeforge/docs/templates";

    private final Lakehouse lakehouse;
    private final LakeforgeConfig config;
    private DocsSettings settings;
    private JobRun run;
    private int parallelism = 3;

    public record DocsResult(Path site, int pages, int charts, long bytes, long millis) {
        public Path index() {
            return site.resolve("index.html");
        }
    }

    public BuildDocsAction(Lakehouse lakehouse, LakeforgeConfig config) {
        this.lakehouse = lakehouse;
        this.config = config;
    }

    public BuildDocsAction settings(DocsSettings settings) {
        this.settings = settings;
        return this;
    }

    /** The run to count pages and charts in (optional). */
    public BuildDocsAction run(JobRun run) {
        this.run = run;
        return this;
    }

    /** Tables read at once (each is a few small Spark jobs; the driver waits on them). */
    public BuildDocsAction parallelism(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
        return this;
    }

    public DocsResult execute() {
        if (settings == null) {
            settings = DocsSettings.from(config);
        }
        long started = System.nanoTime();
        Path out = settings.requireOut();
        Path staging = out.resolveSibling(out.getFileName() + ".building-" + Long.toHexString(System.nanoTime()));
        try {
            Files.createDirectories(staging.resolve("charts"));
            Files.createDirectories(staging.resolve("tables"));
            Files.createDirectories(staging.resolve("models"));
            Files.createDirectories(staging.resolve("runs"));
            Files.createDirectories(staging.resolve("assets"));
            AtomicInteger charts = new AtomicInteger();
            SiteReader reader = new SiteReader(lakehouse, config, settings, (name, svg) -> {
                String file = "charts/" + SiteReader.safe(name) + ".svg";
                write(staging.resolve(file), svg);
                charts.incrementAndGet();
                return file;
            });
            int pages = withInterpretedExpressions(() -> build(reader, staging));
            copyResource("style.css", staging.resolve("assets/style.css"));
            swap(staging, out);
            long bytes;
            try (Stream<Path> files = Files.walk(out)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (run != null) {
                run.count("docs.pages", pages);
                run.count("docs.charts", charts.get());
                run.count("docs.bytes", bytes);
            }
            LOG.info("Data docs: {} pages, {} charts, {} KB in {} ({} ms)", pages, charts.get(), bytes / 1024, out, millis);
            return new DocsResult(out, pages, charts.get(), bytes, millis);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the data docs to " + out + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    private int build(SiteReader reader, Path site) throws IOException {
        SourceCatalog sources = SourceCatalog.from(config);
        // the publish configuration describes the gold tables and the published names; a lakehouse without one still gets its docs
        String publishedTables = PublishSettings.PATH + ".tables";
        boolean publishes = config.raw().hasPath(publishedTables)
                && config.raw().getValue(publishedTables).valueType() == com.typesafe.config.ConfigValueType.OBJECT
                && !config.raw().getObject(publishedTables).isEmpty();
        PublishSettings publish = publishes ? PublishSettings.from(config)
                : new PublishSettings(false, "gold", false, config.serving(), 1, List.of(), List.of());
        List<BusinessModel> business = config.models().business().stream().map(f -> BusinessModel.read(Path.of(f))).toList();
        List<TableName> tables = reader.tables();
        Set<String> tableNames = new LinkedHashSet<>();
        tables.forEach(t -> tableNames.add(t.toString()));

        LOG.info("Data docs: reading run records");
        List<Row> runs = new ArrayList<>(reader.recentRuns());
        if (run != null && runs.stream().noneMatch(r -> run.runId().equals(r.getAs("run_id")))) {
            runs.add(0, dev.lakeforge.runs.RunRecordStore.row(run.inProgress())); // this run, still going: shown as RUNNING
        }
        List<SiteModel.RunRow> runRows = runs.stream().map(SiteReader::runRow).toList();
        String latestRunDate = runRows.stream().map(SiteModel.RunRow::runDate).max(Comparator.naturalOrder()).orElse("none yet");

        LOG.info("Data docs: models");
        List<SiteModel.ModelPage> models = reader.modelPages(business);
        LineageGraph lineage = lineage(sources, publish, business, models, tableNames);

        LOG.info("Data docs: {} tables", tables.size());
        SiteReader.Descriptions descriptions = reader.descriptions(sources, publish);
        Dataset<Row> quality = reader.recentQuality();
        List<SiteModel.TablePage> tablePages = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, tables.size())));
        try {
            Map<String, Long> millis = new java.util.concurrent.ConcurrentHashMap<>();
            List<Future<SiteModel.TablePage>> futures = new ArrayList<>();
            for (TableName t : tables) {
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    SiteModel.TablePage page = reader.tablePage(t, descriptions, quality, lineage);
                    millis.put(t.toString(), (System.nanoTime() - t0) / 1_000_000);
                    return page;
                }));
            }
            for (Future<SiteModel.TablePage> f : futures) {
                tablePages.add(f.get());
            }
            LOG.info("Data docs: tables read; the slowest: {}", millis.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(3).map(e -> e.getKey() + " " + e.getValue() + " ms").toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the tables for the data docs", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
            if (quality != null) {
                quality.unpersist();
            }
        }
        List<SiteModel.Section> plan = reader.planSections();

        Map<String, Object> common = new HashMap<>();
        common.put("generatedAt", SiteReader.TIME.format(Instant.now()));
        common.put("latestRunDate", latestRunDate);
        common.put("lakehouse", lakehouse.root());
        Pages pages = new Pages(templates(), common, site);

        Map<String, List<SiteModel.TablePage>> byLayer = new LinkedHashMap<>();
        for (String layer : List.of("bronze", "silver", "quarantine", "gold", "ops")) {
            byLayer.put(layer, new ArrayList<>());
        }
        tablePages.forEach(p -> byLayer.computeIfAbsent(p.layer(), k -> new ArrayList<>()).add(p));
        byLayer.values().removeIf(List::isEmpty);

        pages.render("index.ftlh", "index.html", Map.of("runs", runRows, "tableCount", tablePages.size(), "modelCount", models.size(),
                "byLayer", byLayer, "models", models), runRows.isEmpty() ? Map.of() : Map.of("durationChart", durationChart(reader, runs)));
        pages.render("lineage.ftlh", "lineage.html", Map.of("graph", lineage.layout()), Map.of());
        pages.render("tables.ftlh", "tables.html", Map.of("byLayer", byLayer), Map.of());
        for (SiteModel.TablePage t : tablePages) {
            pages.render("table.ftlh", t.href(), Map.of("t", t), Map.of());
        }
        pages.render("models.ftlh", "models.html", Map.of("models", models), Map.of());
        for (SiteModel.ModelPage m : models) {
            pages.render("model.ftlh", m.href(), Map.of("m", m), Map.of());
        }
        for (Row r : runs) {
            SiteModel.RunPage rp = reader.runPage(r, tableNames);
            pages.render("run.ftlh", rp.run().href(), Map.of("r", rp), Map.of());
        }
        String planTable = config.models().planTable();
        pages.render("plan.ftlh", "plan.html", Map.of("sections", plan, "planTable", planTable),
                tableNames.contains(planTable) ? Map.of("planHref", SiteReader.tableHref(planTable)) : Map.of());
        return pages.count;
    }

    /** Renders pages from the templates with the values every page shows; counts them. */
    private static final class Pages {
        private final Configuration cfg;
        private final Map<String, Object> common;
        private final Path site;
        private int count;

        Pages(Configuration cfg, Map<String, Object> common, Path site) {
            this.cfg = cfg;
            this.common = common;
            this.site = site;
        }

        /** One page at {@code path} (relative to the site root); {@code optional} holds the values that may be absent. */
        void render(String template, String path, Map<String, Object> values, Map<String, Object> optional) throws IOException {
            Map<String, Object> model = new HashMap<>(common);
            model.putAll(values);
            model.putAll(optional);
            model.put("root", "../".repeat((int) path.chars().filter(c -> c == '/').count()));
            Path file = site.resolve(path);
            Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                Template t = cfg.getTemplate(template);
                t.process(model, w);
            } catch (TemplateException e) {
                throw new IllegalStateException("Data docs template " + template + " failed for " + path + ": " + e.getMessageWithoutStackTop(), e);
            }
            count++;
        }
    }

    /** The part of the build that may fail with an I/O error. */
    @FunctionalInterface
    private interface Build {
        int run() throws IOException;
    }

    /**
     * Runs the build with Spark's code generation off. The site asks some 150 small questions of ~50 tables of as
     * many schemas; compiling Java for every projection costs more than interpreting a few rows (measured on the
     * sample lakehouse: 50.6 s → 34.7 s for the whole command). The settings are put back afterwards, so a pipeline
     * running docs as its last stage is otherwise unaffected.
     */
    private int withInterpretedExpressions(Build build) throws IOException {
        var conf = lakehouse.spark().conf();
        Map<String, String> off = Map.of("spark.sql.codegen.wholeStage", "false", "spark.sql.codegen.factoryMode", "NO_CODEGEN");
        Map<String, java.util.Optional<String>> before = new HashMap<>();
        off.keySet().forEach(k -> before.put(k, conf.contains(k) ? java.util.Optional.of(conf.get(k)) : java.util.Optional.empty()));
        off.forEach(conf::set);
        try {
            return build.run();
        } finally {
            before.forEach((k, v) -> {
                if (v.isPresent()) {
                    conf.set(k, v.get());
                } else {
                    conf.unset(k);
                }
            });
        }
    }

    /** Durations of the recent runs, oldest first, one bar per run. */
    private static String durationChart(SiteReader reader, List<Row> runs) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        List<Row> oldestFirst = new ArrayList<>(runs);
        java.util.Collections.reverse(oldestFirst);
        for (Row r : oldestFirst) {
            if (!r.isNullAt(r.fieldIndex("duration_ms"))) {
                String id = r.<String>getAs("run_id");
                seconds.put(r.getAs("job") + " " + id.substring(Math.max(0, id.length() - 6)), r.<Long>getAs("duration_ms") / 1000.0);
            }
        }
        return reader.chart("durations", Charts.bars("Duration of the recent runs", "seconds", Charts.single("seconds", seconds), false));
    }

    /** Sources → bronze → silver → gold (from the marts' recorded inputs) → models → results → published tables and views. */
    private LineageGraph lineage(SourceCatalog sources, PublishSettings publish, List<BusinessModel> business, List<SiteModel.ModelPage> models,
                                 Set<String> tables) {
        LineageGraph g = new LineageGraph();
        for (SourceSpec s : sources.all()) {
            String bronze = IngestSourceAction.bronze(s).toString();
            String silver = RefineSourceAction.silver(s).toString();
            g.node("source:" + s.name(), s.name() + " (" + s.format() + ")", LineageGraph.Kind.SOURCE, tables.contains(bronze) ? SiteReader.tableHref(bronze) : null);
            table(g, bronze, LineageGraph.Kind.BRONZE, tables);
            table(g, silver, LineageGraph.Kind.SILVER, tables);
            g.edge("source:" + s.name(), bronze).edge(bronze, silver);
        }
        TableName watermarks = TableName.of("ops", "mart_watermarks");
        if (lakehouse.exists(watermarks)) {
            for (Row r : lakehouse.read(watermarks).select("input", "mart").distinct().orderBy("mart", "input").collectAsList()) {
                table(g, r.getString(0), LineageGraph.Kind.SILVER, tables);
                table(g, r.getString(1), LineageGraph.Kind.GOLD, tables);
                g.edge(r.getString(0), r.getString(1));
            }
        }
        Set<String> modelNames = new LinkedHashSet<>();
        models.forEach(m -> modelNames.add(m.name()));
        for (BusinessModel b : business) {
            String model = "model:" + b.spec().name();
            g.node(model, b.spec().name(), LineageGraph.Kind.MODEL, modelNames.contains(b.spec().name()) ? SiteReader.modelHref(b.spec().name()) : null);
            table(g, b.input().toString(), LineageGraph.Kind.GOLD, tables);
            g.edge(b.input().toString(), model);
            for (TableName o : b.outputs()) {
                if (tables.contains(o.toString())) {
                    table(g, o.toString(), LineageGraph.Kind.RESULT, tables);
                    g.edge(model, o.toString());
                }
            }
        }
        String plan = config.models().planTable();
        if (tables.contains(plan)) {
            table(g, plan, LineageGraph.Kind.RESULT, tables);
            g.edge(config.models().forecastTable(), plan);
            for (TableName in : dev.lakeforge.planning.PlanProductionAction.SILVER_INPUTS) {
                table(g, in.toString(), LineageGraph.Kind.SILVER, tables);
                g.edge(in.toString(), plan);
            }
        }
        for (PublishSettings.PublishedTableSpec t : publish.tables()) {
            if (tables.contains(t.source().toString())) {
                String id = "published:" + t.name();
                g.node(id, t.name(), LineageGraph.Kind.PUBLISHED, SiteReader.tableHref(t.source().toString()));
                table(g, t.source().toString(), LineageGraph.Kind.GOLD, tables);
                g.edge(t.source().toString(), id);
            }
        }
        for (PublishSettings.ViewSpec v : publish.views()) {
            String id = "published:" + v.name();
            List<String> from = v.tables().stream().map(t -> "published:" + t).filter(g::has).toList();
            if (from.size() == v.tables().size()) {
                g.node(id, v.name() + " (view)", LineageGraph.Kind.PUBLISHED, null);
                from.forEach(f -> g.edge(f, id));
            }
        }
        return g;
    }

    /** A table node (kept in the first column it was declared in); tables not built yet have no page. */
    private static void table(LineageGraph g, String table, LineageGraph.Kind kind, Set<String> tables) {
        g.node(table, table, kind, tables.contains(table) ? SiteReader.tableHref(table) : null);
    }

    private static Configuration templates() {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setClassForTemplateLoading(BuildDocsAction.class, TEMPLATES);
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        cfg.setLocale(Locale.ROOT);
        cfg.setNumberFormat(",##0.###");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        return cfg;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = BuildDocsAction.class.getResourceAsStream(TEMPLATES + "/" + name)) {
            if (in == null) {
                throw new IOException("resource " + TEMPLATES + "/" + name + " is missing from the jar");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Puts the new site where the old one was: old moved aside, new moved in, old deleted. */
    private static void swap(Path staging, Path out) throws IOException {
        Path old = out.resolveSibling(out.getFileName() + ".old-" + Long.toHexString(System.nanoTime()));
        if (Files.exists(out)) {
            Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
        deleteQuietly(old);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.getMessage());
        }
    }
}
