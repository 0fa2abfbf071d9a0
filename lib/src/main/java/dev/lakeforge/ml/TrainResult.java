package dev.lakeforge.ml;

import java.util.Map;

/** What {@code train} did: the registered version, its metrics beside the baseline's, and the chosen parameters. */
public record TrainResult(RegisteredModel model, Map<String, Double> metrics, Map<String, Double> baseline, Map<String, String> params,
                          Map<String, Double> importances, Map<String, Long> clusterSizes, long trainRows, long holdoutRows) {

    /** The metrics file {@code --metrics-out} writes. */
    public String json() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("model", model.name());
        m.put("version", model.version());
        m.put("alias", model.alias());
        m.put("task", model.task());
        m.put("primary_metric", model.primaryMetric());
        m.put("metrics", metrics);
        m.put("baseline", baseline);
        m.put("params", params);
        if (!clusterSizes.isEmpty()) {
            m.put("cluster_sizes", clusterSizes);
        }
        if (!importances.isEmpty()) {
            m.put("feature_importances", importances);
        }
        m.put("train_rows", trainRows);
        m.put("holdout_rows", holdoutRows);
        return ModelRegistry.json(m);
    }
}
