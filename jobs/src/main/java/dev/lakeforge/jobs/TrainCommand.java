package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.ml.ModelSpec;
import dev.lakeforge.ml.TrainModelAction;
import dev.lakeforge.ml.TrainResult;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model from a spec (HOCON: task, input, label, features, algorithm, tuning, split), evaluate it on held-out"
                + " data against a baseline, register it (champion only if no worse), and write its metrics.")
final class TrainCommand extends JobCommand {
    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The model spec, e.g. conf/models/churn.conf.")
    Path specFile;

    @Option(names = "--metrics-out", paramLabel = "FILE.json", description = "Also write the metrics (and the baseline's) as JSON here.")
    Path metricsOut;

    private ModelSpec spec;

    @Override
    protected String jobName() {
        return "train";
    }

    @Override
    protected void validate(LoadedConfig config) {
        spec = ModelSpec.read(specFile.toAbsolutePath());
    }

    @Override
    protected void run(JobContext context, JobRun run) throws Exception {
        TrainResult r = new TrainModelAction(context.lakehouse()).spec(spec).runsTable(context.config().runs().table()).run(run).execute();
        System.out.printf(Locale.ROOT, "Model %s version %d (%s), %d training rows, %d held out%n", r.model().name(), r.model().version(),
                r.model().alias(), r.trainRows(), r.holdoutRows());
        System.out.printf(Locale.ROOT, "  %-22s %12s %12s%n", "metric", "model", "baseline");
        r.metrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-22s %12.4f %12s%n", k, v,
                r.baseline().containsKey(k) ? String.format(Locale.ROOT, "%.4f", r.baseline().get(k)) : ""));
        System.out.println("  card: " + r.model().path() + "/card.md");
        if (metricsOut != null) {
            Path out = metricsOut.toAbsolutePath();
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, r.json());
        }
    }
}
