package dev.lakeforge.jobs;

import dev.lakeforge.lake.TableName;
import dev.lakeforge.ml.ScoreModelAction;
import dev.lakeforge.ml.ScoreResult;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Apply a registered model (NAME, NAME@champion or NAME@VERSION) to a table or file and write the scores to a table.")
final class ScoreCommand extends JobCommand {
    @Option(names = "--model", required = true, paramLabel = "NAME[@VERSION|@champion]")
    String model;

    @Option(names = "--input", paramLabel = "TABLE|PATH", description = "A lakehouse table (layer.table) or a file.")
    String input;

    @Option(names = "--holdout", description = "Score the model's own held-out rows (reproduces its evaluation metrics).")
    boolean holdout;

    @Option(names = "--output", required = true, paramLabel = "LAYER.TABLE", description = "Table the scores are written to (replaced).")
    String output;

    @Override
    protected String jobName() {
        return "score";
    }

    @Override
    protected void validate(dev.lakeforge.config.LoadedConfig config) {
        if ((input == null) == !holdout) {
            throw new dev.lakeforge.config.ConfigurationException("--input / --holdout", input == null ? "neither" : "both",
                    "either --input TABLE|PATH or --holdout");
        }
        TableName.parse(output);
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        ScoreModelAction action = new ScoreModelAction(context.lakehouse()).model(model).holdout(holdout).output(TableName.parse(output)).run(run);
        if (input != null) {
            action.input(input);
        }
        ScoreResult r = action.execute();
        System.out.printf(Locale.ROOT, "Scored with %s: %,d rows in %s (version %d)%n", r.model().id(), r.rows(), r.output(), r.version());
        r.metrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-22s %12.4f%n", k, v));
    }
}
