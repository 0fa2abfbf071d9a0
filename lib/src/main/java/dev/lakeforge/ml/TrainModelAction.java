package dev.lakeforge.ml;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.runs.JobRun;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model from a spec, evaluates it on held-out data against a baseline, and registers it:
 * <pre>
 *   TrainResult r = new TrainModelAction(lakehouse).spec(spec).runsTable("ops.job_runs").run(jobRun).execute();
 * </pre>
 * Every check of the spec against the data happens before any training.
 */
public final class TrainModelAction {
    private static final Logger LOG = LoggerFactory.getLogger(TrainModelAction.class);
    private final Lakehouse lakehouse;
    private ModelSpec spec;
    private String runsTable = "ops.job_runs";
    private JobRun run;

    public TrainModelAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public TrainModelAction spec(ModelSpec spec) {
        this.spec = spec;
        return this;
    }

    public TrainModelAction runsTable(String table) {
        this.runsTable = table;
        return this;
    }

    public TrainModelAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public TrainResult execute() {
        TrainingData.Loaded loaded = TrainingData.load(lakehouse, spec.input(), runsTable);
        Dataset<Row> input = spec.forecast().isPresent()
                ? dev.lakeforge.ml.forecast.ForecastFrame.build(loaded.data(), spec.forecast().get(), spec.categorical()) : loaded.data();
        Dataset<Row> data = TrainingData.validate(input, spec);
        LOG.info("Training {} ({} {}) on {}", spec.name(), spec.task().name().toLowerCase(java.util.Locale.ROOT), spec.algorithm().label(),
                loaded.source());
        TrainOutcome o = ModelTrainer.train(spec, data);
        RegisteredModel m = new ModelRegistry(lakehouse).register(spec, o, loaded, run.runId());
        if (loaded.version() >= 0) {
            run.read(loaded.source(), loaded.version(), o.trainRows() + o.holdoutRows());
        }
        run.wrote(ModelRegistry.TABLE.toString(), lakehouse.version(ModelRegistry.TABLE).orElseThrow(), 1);
        run.count("model." + spec.name() + ".version", m.version());
        return new TrainResult(m, o.metrics(), o.baseline(), o.params(), o.importances(), o.clusterSizes(), o.trainRows(), o.holdoutRows());
    }
}
