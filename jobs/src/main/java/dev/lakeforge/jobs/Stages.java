package dev.lakeforge.jobs;

import dev.lakeforge.ingest.IngestResult;
import dev.lakeforge.ingest.IngestAction;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.marts.BuildMartsAction;
import dev.lakeforge.marts.MartResult;
import dev.lakeforge.refine.RefineAction;
import dev.lakeforge.refine.RefineResult;
import dev.lakeforge.runs.JobRun;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The lakehouse stages, as the commands and the pipeline run them. */
final class Stages {
    private Stages() {
    }

    static SourceCatalog sources(JobContext c) {
        return SourceCatalog.from(c.config()).requireSources();
    }

    static List<IngestResult> ingest(JobContext c, JobRun run, SourceCatalog catalog, List<String> only) {
        int total = (int) catalog.inDependencyOrder().stream().filter(s -> only.isEmpty() || only.contains(s.name())).count();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        return new IngestAction(c.lakehouse(), c.config().lakehouse().landing()).sources(catalog).only(only).runDate(c.runDate())
                .run(run).parallelism(c.config().lakehouse().parallelism())
                .locks(dev.lakeforge.runs.RunLock.in(c.lakehouse().fileSystem(), c.lakehouse().root())
                        .heartbeat(c.config().runs().lockHeartbeat()).staleAfter(c.config().runs().lockStaleAfter()))
                .onSourceDone((r, took) -> System.out.printf(Locale.ROOT,
                        "  ingest %2d/%d %-22s %3d new file(s) %,9d rows %,6d rejected%s (%.1f s)%n", done.incrementAndGet(), total,
                        r.source(), r.filesLoaded(), r.rowsLoaded(), r.rowsRejected(),
                        r.newColumns().isEmpty() ? "" : ", new columns " + r.newColumns(), took.toMillis() / 1e3))
                .execute();
    }

    static List<RefineResult> refine(JobContext c, JobRun run, SourceCatalog catalog, List<String> only) {
        List<RefineResult> results = new RefineAction(c.lakehouse()).sources(catalog).only(only).parallelism(c.config().lakehouse().parallelism()).runDate(c.runDate()).run(run).execute();
        for (RefineResult r : results) {
            System.out.printf(Locale.ROOT, "  refine %-22s %,9d in → %,9d inserted %,7d updated %,7d quarantined %,7d removed%n",
                    r.source(), r.rowsIn(), r.inserted(), r.updated(), r.quarantined(), r.removed());
        }
        return results;
    }

    static List<MartResult> marts(JobContext c, JobRun run) {
        List<MartResult> results = new BuildMartsAction(c.lakehouse()).runDate(c.runDate()).run(run)
                .runRecords(dev.lakeforge.runs.RunRecordStore.of(c.lakehouse(), c.config()))
                .execute();
        for (MartResult m : results) {
            System.out.printf(Locale.ROOT, "  gold   %-30s %-14s %,10d rows (v%d)%n", m.table(), m.mode(), m.rows(), m.version());
        }
        return results;
    }

    /** The business model specs, read and checked (before Spark starts). */
    static List<dev.lakeforge.ml.BusinessModel> businessModels(dev.lakeforge.config.LakeforgeConfig config, List<String> only) {
        List<dev.lakeforge.ml.BusinessModel> out = new ArrayList<>();
        for (String file : config.models().business()) {
            dev.lakeforge.ml.BusinessModel b = dev.lakeforge.ml.BusinessModel.read(java.nio.file.Path.of(file));
            if (only.isEmpty() || only.contains(b.spec().name())) {
                out.add(b);
            }
        }
        List<String> unknown = only.stream().filter(n -> out.stream().noneMatch(b -> b.spec().name().equals(n))).toList();
        if (!unknown.isEmpty()) {
            throw new dev.lakeforge.config.ConfigurationException("--model", unknown.toString(), "names of business models in"
                    + " lakeforge.models.business: " + config.models().business());
        }
        return out;
    }

    static List<dev.lakeforge.ml.TrainAndApplyModelsAction.Outcome> predict(JobContext c, JobRun run, List<dev.lakeforge.ml.BusinessModel> models) {
        return predict(c, run, models, false);
    }

    static List<dev.lakeforge.ml.TrainAndApplyModelsAction.Outcome> predict(JobContext c, JobRun run, List<dev.lakeforge.ml.BusinessModel> models,
                                                                           boolean applyOnly) {
        if (applyOnly) {
            models.stream().filter(b -> b.job() == dev.lakeforge.ml.BusinessModel.Job.FORECAST).forEach(b -> System.out.printf(Locale.ROOT,
                    "  model  %-24s not applied: forecasts are made when it is trained (predict without --apply-only)%n", b.spec().name()));
        }
        return new dev.lakeforge.ml.TrainAndApplyModelsAction(c.lakehouse()).models(models).runDate(c.runDate()).run(run)
                .runsTable(c.config().runs().table()).applyOnly(applyOnly)
                .onModelDone(o -> {
                    var t = o.trained();
                    String metric = t.model().primaryMetric();
                    System.out.printf(Locale.ROOT, "  model  %-24s v%d %-9s %s %.4f (baseline %.4f) → applied %s%n", o.model().spec().name(),
                            t.model().version(), t.model().alias(), metric, t.metrics().getOrDefault(metric, Double.NaN),
                            t.baseline().getOrDefault(metric, Double.NaN), o.applied().id());
                    o.figures().forEach((k, v) -> System.out.printf(Locale.ROOT, "         %-24s %,.3f%n", k, v));
                    o.tables().forEach(w -> System.out.printf(Locale.ROOT, "         %-30s %,10d rows (v%d)%n", w.table(), w.rows(), w.version()));
                }).execute();
    }

    static dev.lakeforge.planning.PlanProductionAction.PlanResult plan(JobContext c, JobRun run) {
        var m = c.config().models();
        var r = new dev.lakeforge.planning.PlanProductionAction(c.lakehouse()).runDate(c.runDate()).run(run).serviceLevel(m.serviceLevel())
                .shareWeeks(m.shareWeeks()).forecast(dev.lakeforge.lake.TableName.parse(m.forecastTable()))
                .output(dev.lakeforge.lake.TableName.parse(m.planTable())).execute();
        System.out.printf(Locale.ROOT, "  plan   %-30s %,10d rows (v%d): %,.0f units planned from forecasts of %s, %,.0f short in %d plant-week(s)%n",
                r.table().table(), r.table().rows(), r.table().version(), r.plannedUnits(), r.origin(), r.shortfallUnits(),
                r.plantWeeksOverCapacity());
        return r;
    }

    static dev.lakeforge.publish.PublishAction.Result publish(JobContext c, JobRun run, dev.lakeforge.publish.PublishSettings settings, boolean force) {
        var serving = settings.serving();
        System.out.printf(Locale.ROOT, "  publishing %d table(s)%s%s%n", settings.tables().size(),
                settings.catalogEnabled() ? " to catalog database " + settings.catalogDatabase() : "",
                settings.servingEnabled() ? (settings.catalogEnabled() ? " and" : "") + " to " + serving.redactedUrl()
                        + (serving.isSqlite() ? "" : " (schema " + serving.schema() + ")") : "");
        var result = new dev.lakeforge.publish.PublishAction(c.lakehouse(), settings).run(run).force(force).runsTable(c.config().runs().table())
                .onTableDone(p -> System.out.printf(Locale.ROOT, "  publish %-26s %-9s %,10d rows  from %s@v%d (%.1f s)%s%n", p.table(),
                        p.status().name().toLowerCase(Locale.ROOT), p.rows(), p.source(), p.sourceVersion(), p.took().toMillis() / 1e3,
                        p.message().isEmpty() ? "" : "  " + p.message()))
                .execute();
        for (var r : result.catalog()) {
            if (r.created() || r.comments() > 0) {
                System.out.printf(Locale.ROOT, "  catalog %-34s %s%s%n", r.name(), r.created() ? "registered" : "kept",
                        r.comments() > 0 ? ", " + r.comments() + " comment(s) written" : "");
            }
        }
        return result;
    }

    static dev.lakeforge.docs.BuildDocsAction.DocsResult docs(JobContext c, JobRun run, dev.lakeforge.docs.DocsSettings settings) {
        var site = new dev.lakeforge.docs.BuildDocsAction(c.lakehouse(), c.config()).settings(settings).run(run).execute();
        System.out.printf(Locale.ROOT, "  docs   %d pages, %d charts, %,d KB in %.1f s: %s%n", site.pages(), site.charts(), site.bytes() / 1024,
                site.millis() / 1e3, site.index().toUri());
        return site;
    }
}
