package dev.lakeforge.ml;

import java.util.Map;

/** A model version in the registry. */
public record RegisteredModel(String name, int version, String task, String alias, String path, String primaryMetric,
                              Map<String, Double> metrics, Map<String, Double> baseline, String specText) {
    public String id() {
        return name + "@" + version;
    }
}
