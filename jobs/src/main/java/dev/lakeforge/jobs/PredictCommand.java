package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.ml.BusinessModel;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Train, register and apply the business models (lakeforge.models.business): demand forecast with its backtest,"
                + " churn scores, customer segments with profiles, product recommendations — into gold.")
final class PredictCommand extends JobCommand {
    @Option(names = "--model", split = ",", paramLabel = "NAME", description = "Only these business models (by spec name).")
    List<String> only = new ArrayList<>();

    @Option(names = "--apply-only", description = "Apply the registered champions without training (daily scoring); a model without a"
            + " champion is trained once. Forecasts are left out (their weekly retrain makes them).")
    boolean applyOnly;

    private List<BusinessModel> models;

    @Override
    protected String jobName() {
        return "predict";
    }

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    @Override
    protected void validate(LoadedConfig config) {
        models = Stages.businessModels(config.config(), only);
        if (models.isEmpty()) {
            throw new dev.lakeforge.config.ConfigurationException("lakeforge.models.business", "no specs",
                    "model spec files with an apply block, e.g. conf/models/churn.conf");
        }
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        Stages.predict(context, run, models, applyOnly);
    }
}
