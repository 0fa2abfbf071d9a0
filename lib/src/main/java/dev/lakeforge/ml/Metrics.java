package dev.lakeforge.ml;

import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/** Evaluation metrics on held-out predictions, and the same metrics for the simple baselines. */
public final class Metrics {
    private Metrics() {
    }

    public static Map<String, Double> regression(Dataset<Row> predictions) {
        Map<String, Double> m = new LinkedHashMap<>();
        RegressionEvaluator e = new RegressionEvaluator().setLabelCol(ModelTrainer.LABEL).setPredictionCol(ModelTrainer.PREDICTION);
        for (String name : List.of("rmse", "mae", "r2")) {
            m.put(name, e.setMetricName(name).evaluate(predictions));
        }
        return m;
    }

    /** The training mean predicted for every held-out row. */
    public static Map<String, Double> meanBaseline(Dataset<Row> train, Dataset<Row> test) {
        double mean = train.agg(avg(col(ModelTrainer.LABEL))).first().getDouble(0);
        return regression(test.withColumn(ModelTrainer.PREDICTION, lit(mean)));
    }

    public static Map<String, Double> classification(Dataset<Row> predictions, int classes) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (classes == 2) {
            Dataset<Row> p = predictions.withColumn("__p1", functions.vector_to_array(col("probability"), "float64").getItem(1));
            BinaryClassificationEvaluator b = new BinaryClassificationEvaluator().setLabelCol(ModelTrainer.LABEL).setRawPredictionCol("__p1");
            m.put("auc", b.setMetricName("areaUnderROC").evaluate(p));
            m.put("auc_pr", b.setMetricName("areaUnderPR").evaluate(p));
        }
        MulticlassClassificationEvaluator e = new MulticlassClassificationEvaluator().setLabelCol(ModelTrainer.LABEL)
                .setPredictionCol(ModelTrainer.PREDICTION).setProbabilityCol("probability");
        m.put("accuracy", e.setMetricName("accuracy").evaluate(predictions));
        m.put("f1", e.setMetricName("f1").evaluate(predictions));
        m.put("log_loss", e.setMetricName("logLoss").evaluate(predictions));
        return m;
    }

    /** Always the training majority class, with the training class shares as probabilities. */
    public static Map<String, Double> majorityBaseline(Dataset<Row> train, Dataset<Row> test, int classes) {
        long total = train.count();
        double[] share = new double[classes];
        int majority = 0;
        long best = -1;
        for (Row r : train.groupBy(ModelTrainer.LABEL).agg(count(lit(1))).orderBy(desc("count(1)")).collectAsList()) {
            int c = (int) r.getDouble(0);
            share[c] = r.getLong(1) / (double) total;
            if (r.getLong(1) > best) {
                best = r.getLong(1);
                majority = c;
            }
        }
        Dataset<Row> p = test.withColumn(ModelTrainer.PREDICTION, lit((double) majority));
        Map<String, Double> m = new LinkedHashMap<>();
        if (classes == 2) {
            m.put("auc", 0.5);
            m.put("auc_pr", test.agg(avg(col(ModelTrainer.LABEL))).first().getDouble(0));
        }
        MulticlassClassificationEvaluator e = new MulticlassClassificationEvaluator().setLabelCol(ModelTrainer.LABEL)
                .setPredictionCol(ModelTrainer.PREDICTION);
        m.put("accuracy", e.setMetricName("accuracy").evaluate(p));
        m.put("f1", e.setMetricName("f1").evaluate(p));
        Column prob = lit(1e-15);
        for (int c = 0; c < classes; c++) {
            prob = when(col(ModelTrainer.LABEL).equalTo((double) c), lit(Math.max(share[c], 1e-15))).otherwise(prob);
        }
        m.put("log_loss", -test.agg(avg(ModelTrainer.safeLog(prob))).first().getDouble(0));
        return m;
    }
}
