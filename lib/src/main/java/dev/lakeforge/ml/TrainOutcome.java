package dev.lakeforge.ml;

import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Map;

/**
 * What training produced: the fitted pipeline, its metrics on the held-out data beside a simple baseline's,
 * the parameters chosen, feature importances (trees), the class labels (classification; index = class) and the
 * held-out rows themselves, so that scoring can reproduce the metrics. {@code fitMillis} is the wall time of fitting
 * alone (tuning included; held-out evaluation, baselines and silhouette scoring excluded).
 */
public record TrainOutcome(PipelineModel model, Map<String, Double> metrics, Map<String, Double> baseline, Map<String, String> params,
                           Map<String, Double> importances, List<String> labels, Dataset<Row> holdout, Map<String, Long> clusterSizes,
                           long trainRows, long holdoutRows, long fitMillis) {
}
