package dev.lakeforge.ml;

import java.util.Map;

/** What scoring wrote, and — when the input carried the label — the metrics on it. */
public record ScoreResult(RegisteredModel model, String output, long rows, long version, Map<String, Double> metrics) {
}
