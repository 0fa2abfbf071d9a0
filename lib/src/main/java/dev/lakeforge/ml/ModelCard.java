package dev.lakeforge.ml;

import java.util.Locale;
import java.util.Map;

/** The markdown card saved with every model version. */
final class ModelCard {
    private ModelCard() {
    }

    static String markdown(ModelSpec spec, TrainOutcome o, int version, String alias, String primary, TrainingData.Loaded data, String runId) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Model card: ").append(spec.name()).append(" version ").append(version).append(" (").append(alias).append(")\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| task | ").append(spec.task().name().toLowerCase(Locale.ROOT)).append(" |\n");
        sb.append("| algorithm | ").append(spec.algorithm().label()).append(" |\n");
        sb.append("| training data | ").append(data.source()).append(data.version() >= 0 ? " (Delta version " + data.version() + ")" : "").append(" |\n");
        spec.input().where().ifPresent(w -> sb.append("| rows where | `").append(w).append("` |\n"));
        spec.label().ifPresent(l -> sb.append("| label | ").append(l).append(o.labels().isEmpty() ? "" : " — classes " + o.labels()).append(" |\n"));
        sb.append("| features | ").append(FeaturePipeline.describe(spec.numeric(), spec.categorical())).append(" |\n");
        sb.append("| split | ").append(spec.split().byTime() ? "by time on " + spec.split().column().orElse("") : "random, seed " + spec.split().seed())
                .append(", ").append(o.trainRows()).append(" training rows, ").append(o.holdoutRows()).append(" held out |\n");
        sb.append("| run | ").append(runId).append(" |\n");
        sb.append("| primary metric | ").append(primary).append(" |\n\n");
        sb.append("## Metrics on held-out data\n\n| metric | model | baseline |\n|---|---:|---:|\n");
        for (Map.Entry<String, Double> e : o.metrics().entrySet()) {
            Double b = o.baseline().get(e.getKey());
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %s |%n", e.getKey(), e.getValue(), b == null ? "" : String.format(Locale.ROOT, "%.4f", b)));
        }
        sb.append("\nBaseline: ").append(switch (spec.task()) {
            case REGRESSION -> "the training mean for every row.";
            case CLASSIFICATION -> "the training majority class, class shares as probabilities.";
            case CLUSTERING -> "random assignment to the same number of clusters.";
            case RECOMMENDATION -> "the most popular items the user has not seen.";
        }).append("\n");
        if (!o.params().isEmpty()) {
            sb.append("\n## Parameters\n\n");
            o.params().forEach((k, v) -> sb.append("- ").append(k).append(" = ").append(v).append('\n'));
        }
        if (!o.importances().isEmpty()) {
            sb.append("\n## Feature importances\n\n| feature | importance |\n|---|---:|\n");
            o.importances().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.4f |%n", k, v)));
        }
        if (!o.clusterSizes().isEmpty()) {
            sb.append("\n## Cluster sizes\n\n");
            o.clusterSizes().forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        return sb.toString();
    }
}
