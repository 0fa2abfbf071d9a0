package dev.lakeforge.ml;

import com.typesafe.config.Config;
import dev.lakeforge.config.ConfigReader;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.lake.TableName;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A model spec plus its {@code apply} block: what the pipeline does with the champion after training it.
 * <pre>
 * apply { job = forecast, output = gold.demand_forecast, backtest-output = gold.forecast_backtest }
 * apply { job = churn-scores, input { table = gold.customer_features, where = "snapshot = 'scoring'" }, id = customer_id,
 *         bands { low = 0.3, high = 0.6 }, output = gold.churn_scores }
 * apply { job = segments, input { .. }, id = customer_id, output = gold.customer_segments, profiles = gold.segment_profiles }
 * apply { job = recommendations, input { table = gold.interactions }, bought = "purchases > 0", top = 10,
 *         output = gold.product_recommendations }
 * </pre>
 */
public record BusinessModel(ModelSpec spec, Job job, TableName output, Optional<TableName> secondOutput, TableName input,
                            Optional<String> where, String id, double lowBand, double highBand, String bought, int top, Path file) {

    public enum Job {
        FORECAST("forecast"), CHURN_SCORES("churn-scores"), SEGMENTS("segments"), RECOMMENDATIONS("recommendations");

        private final String label;

        Job(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Every table applying the model writes: the output, the second output, and for a forecast its weekly backtest. */
    public java.util.List<TableName> outputs() {
        java.util.List<TableName> out = new java.util.ArrayList<>();
        out.add(output);
        secondOutput.ifPresent(out::add);
        if (job == Job.FORECAST) {
            out.add(dev.lakeforge.ml.forecast.ForecastDemandAction.DEFAULT_BACKTEST_SERIES);
        }
        return out;
    }

    public static BusinessModel read(Path file) {
        Config c = ModelSpec.readConfig(file, "lakeforge.models.business");
        return dev.lakeforge.config.ConfigurationException.reading(() -> read(file, c));
    }

    private static BusinessModel read(Path file, Config c) {
        ModelSpec spec = ModelSpec.parse(c, file.getParent() == null ? Path.of("") : file.getParent());
        ConfigReader r = new ConfigReader(c, Path.of(""));
        if (!c.hasPath("apply")) {
            throw new ConfigurationException("apply", "nothing in " + file, "an apply { job = forecast | churn-scores | segments |"
                    + " recommendations, output = layer.table } block saying what to do with the trained model");
        }
        String jobText = r.oneOf("apply.job", "forecast", "churn-scores", "segments", "recommendations");
        Job job = jobText.isEmpty() ? Job.FORECAST : Job.valueOf(jobText.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        ModelSpec.Task expected = switch (job) {
            case FORECAST -> ModelSpec.Task.REGRESSION;
            case CHURN_SCORES -> ModelSpec.Task.CLASSIFICATION;
            case SEGMENTS -> ModelSpec.Task.CLUSTERING;
            case RECOMMENDATIONS -> ModelSpec.Task.RECOMMENDATION;
        };
        if (spec.task() != expected) {
            r.problem("apply.job", "'" + job.label() + "' for task " + spec.task().name().toLowerCase(java.util.Locale.ROOT),
                    "a job for the spec's task (" + expected.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        if (job == Job.FORECAST && spec.forecast().isEmpty()) {
            r.problem("forecast", "nothing", "a forecast { id, time, target, horizon } block for apply.job = forecast");
        }
        TableName output = table(r, "apply.output");
        Optional<TableName> second = switch (job) {
            case FORECAST -> Optional.of(c.hasPath("apply.backtest-output") ? table(r, "apply.backtest-output") : TableName.parse("gold.forecast_backtest"));
            case SEGMENTS -> Optional.of(c.hasPath("apply.profiles") ? table(r, "apply.profiles") : TableName.parse("gold.segment_profiles"));
            default -> Optional.empty();
        };
        TableName input = c.hasPath("apply.input.table") ? table(r, "apply.input.table")
                : spec.input().table().map(TableName::parse).orElse(null);
        if (input == null && job != Job.FORECAST) {
            r.problem("apply.input.table", "nothing", "the lakehouse table to apply the model to");
        }
        Optional<String> where = c.hasPath("apply.input") ? r.optionalString("apply.input.where") : spec.input().where();
        String id = c.hasPath("apply.id") ? r.identifier("apply.id") : "customer_id";
        double low = c.hasPath("apply.bands.low") ? c.getDouble("apply.bands.low") : 0.3;
        double high = c.hasPath("apply.bands.high") ? c.getDouble("apply.bands.high") : 0.6;
        if (!(0 < low && low < high && high < 1)) {
            r.problem("apply.bands", "low " + low + ", high " + high, "0 < low < high < 1");
        }
        String bought = c.hasPath("apply.bought") ? r.string("apply.bought") : "";
        int top = c.hasPath("apply.top") ? r.intInRange("apply.top", 1, 100) : 10;
        r.throwIfProblems();
        return new BusinessModel(spec, job, output, second, input, where, id, low, high, bought, top, file);
    }

    private static TableName table(ConfigReader r, String path) {
        String t = r.qualifiedTable(path);
        try {
            return TableName.parse(t);
        } catch (IllegalArgumentException e) {
            return TableName.parse("gold.unnamed"); // reported by qualifiedTable
        }
    }

}
