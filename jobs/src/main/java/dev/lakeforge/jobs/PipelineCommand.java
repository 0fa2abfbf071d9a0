package dev.lakeforge.jobs;

import dev.lakeforge.ingest.IngestResult;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.marts.MartResult;
import dev.lakeforge.pipeline.PipelineSummary;
import dev.lakeforge.refine.RefineResult;
import dev.lakeforge.runs.JobRun;
import dev.lakeforge.spark.WorkMeter;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Run the stages in order for the run date — ingest, refine, marts, predict (business models), plan, publish, docs (lakeforge.pipeline.stages) — with progress per stage and a final summary."
                + " On the embedded default it reads the bundled sample in data/sample and ends with the SQLite file lakehouse/serving/lakeforge.db"
                + " ready for a BI tool.")
final class PipelineCommand extends JobCommand {
    @Override
    protected String jobName() {
        return "pipeline";
    }

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    private List<dev.lakeforge.ml.BusinessModel> models = List.of();
    private dev.lakeforge.publish.PublishSettings publish;
    private dev.lakeforge.docs.DocsSettings docs;

    @Override
    protected void validate(dev.lakeforge.config.LoadedConfig config) {
        dev.lakeforge.pipeline.ConfigCheck.Result checked = dev.lakeforge.pipeline.ConfigCheck.run(config.config());
        models = config.config().models().pipelineStages().contains("predict") ? checked.models() : List.of();
        publish = checked.publish().orElse(null);
        docs = checked.docs().orElse(null);
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        SourceCatalog catalog = Stages.sources(context);
        List<String> stages = context.config().models().pipelineStages();
        System.out.println("Lakehouse " + context.config().lakehouse().root() + ", landing " + context.config().lakehouse().landing()
                + ", run date " + context.runDate() + ", stages " + stages);
        List<IngestResult> ingest = List.of();
        List<RefineResult> refine = List.of();
        List<MartResult> marts = List.of();
        Map<String, WorkMeter.Work> work = new LinkedHashMap<>();
        int n = 0;
        try (WorkMeter meter = WorkMeter.on(context.lakehouse().spark())) {
            for (String stage : stages) {
                n++;
                WorkMeter.Span span = meter.start();
                switch (stage) {
                    case "ingest" -> {
                        System.out.printf("[%d/%d] ingest: landing files → bronze%n", n, stages.size());
                        ingest = Stages.ingest(context, run, catalog, List.of());
                    }
                    case "refine" -> {
                        System.out.printf("[%d/%d] refine: bronze → silver (quality, quarantine, merge)%n", n, stages.size());
                        refine = Stages.refine(context, run, catalog, List.of());
                    }
                    case "marts" -> {
                        System.out.printf("[%d/%d] marts: silver → gold%n", n, stages.size());
                        marts = Stages.marts(context, run);
                    }
                    case "predict" -> {
                        System.out.printf("[%d/%d] predict: train, register and apply %d business model(s)%n", n, stages.size(), models.size());
                        Stages.predict(context, run, models);
                    }
                    case "plan" -> {
                        System.out.printf("[%d/%d] plan: production plan from the demand forecast%n", n, stages.size());
                        Stages.plan(context, run);
                    }
                    case "publish" -> {
                        System.out.printf("[%d/%d] publish: gold → catalog and serving database%n", n, stages.size());
                        Stages.publish(context, run, publish, false);
                    }
                    case "docs" -> {
                        System.out.printf("[%d/%d] docs: the data docs site%n", n, stages.size());
                        if (docs.hasOut()) {
                            Stages.docs(context, run, docs);
                        } else {
                            System.out.printf("  docs   left out: the lakehouse root %s is not a local folder; set lakeforge.docs.out%n", docs.root());
                        }
                    }
                    default -> throw new IllegalStateException("unknown stage " + stage);
                }
                WorkMeter.Work w = span.stop();
                work.put(stage, w);
                w.counters(stage).forEach(run::count);
            }
        }
        System.out.printf(Locale.ROOT, "%nStage times: %s%n", String.join(", ", work.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue().millis() / 1e3)).toList()));
        System.out.println(PipelineSummary.formatWork(work));
        System.out.println(PipelineSummary.format(ingest, refine, marts));
    }
}
