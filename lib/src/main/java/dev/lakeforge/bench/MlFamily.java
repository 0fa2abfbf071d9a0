package dev.lakeforge.bench;

import com.typesafe.config.ConfigUtil;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The model families the ML benchmark times: each with its data set, the Lakeforge model spec it trains (the
 * algorithm's Lakeforge defaults, no tuning), the metrics it reports and the scikit-learn model it is compared
 * with ({@code bench/sklearn_bench.py --family <key>}), if any.
 */
public enum MlFamily {
    LINEAR_REGRESSION("linear", "Linear regression", MlDataSet.REGRESSION, "regression", "linear", "rmse", "r2",
            "LinearRegression (ordinary least squares)"),
    RANDOM_FOREST_REGRESSION("random-forest", "Random forest regression", MlDataSet.REGRESSION, "regression", "random-forest", "rmse", "r2",
            "RandomForestRegressor (same trees, depth, features per split; n_jobs = cores)"),
    GBT_CLASSIFICATION("gbt", "Gradient-boosted trees, classification", MlDataSet.CLASSIFICATION, "classification", "gbt", "auc", "log_loss",
            "HistGradientBoostingClassifier (same iterations, depth, learning rate and bins; no early stopping)"),
    LOGISTIC_REGRESSION("logistic", "Logistic regression", MlDataSet.CLASSIFICATION, "classification", "logistic", "auc", "log_loss",
            "LogisticRegression (lbfgs, no penalty, standardised features)"),
    KMEANS("kmeans", "k-means", MlDataSet.CLUSTERING, "clustering", "kmeans", "silhouette", "ari",
            "KMeans (k-means++, n_init = 1, same k, iterations and tolerance, standardised features)"),
    ALS_IMPLICIT("als", "ALS, implicit feedback", MlDataSet.INTERACTIONS, "recommendation", "als", "ndcg_at_10", "precision_at_10", null);

    private final String key;
    private final String title;
    private final MlDataSet dataSet;
    private final String task;
    private final String algorithm;
    private final String metric;
    private final String secondMetric;
    private final String sklearnModel;

    MlFamily(String key, String title, MlDataSet dataSet, String task, String algorithm, String metric, String secondMetric,
             String sklearnModel) {
        this.key = key;
        this.title = title;
        this.dataSet = dataSet;
        this.task = task;
        this.algorithm = algorithm;
        this.metric = metric;
        this.secondMetric = secondMetric;
        this.sklearnModel = sklearnModel;
    }

    /** Short name, as {@code sklearn_bench.py --family} takes it. */
    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    /** The spec's {@code algorithm}. */
    public String algorithm() {
        return algorithm;
    }

    public MlDataSet dataSet() {
        return dataSet;
    }

    /** The held-out metric the report leads with ({@code rmse}, {@code auc}, {@code silhouette}, {@code ndcg_at_10}). */
    public String metric() {
        return metric;
    }

    /** A second metric for context ({@code r2}, {@code log_loss}, {@code ari}: adjusted Rand index against the true blobs, …). */
    public String secondMetric() {
        return secondMetric;
    }

    public boolean lowerIsBetter() {
        return metric.equals("rmse");
    }

    /** The scikit-learn model compared with, empty where scikit-learn has none (ALS). */
    public Optional<String> sklearnModel() {
        return Optional.ofNullable(sklearnModel);
    }

    /** Families with a scikit-learn counterpart. */
    public static List<MlFamily> withSklearn() {
        return java.util.Arrays.stream(values()).filter(f -> f.sklearnModel != null).toList();
    }

    /**
     * The Lakeforge model spec trained on {@code file}. Supervised and recommendation specs split "by time" on
     * {@code is_test}: Lakeforge's time split keeps the rows whose split column is at most its {@code train}
     * quantile, and with four in five rows at 0, any quantile up to 0.8 is 0, so exactly the {@code is_test = 1}
     * rows are held out (the benchmark checks the counts). k-means trains on all rows, as Lakeforge does.
     */
    public String spec(Path file) {
        MlDataSet d = dataSet;
        StringBuilder s = new StringBuilder();
        s.append("name = bench-").append(key).append('\n');
        s.append("task = ").append(task).append('\n');
        s.append("input { path = ").append(ConfigUtil.quoteString(file.toAbsolutePath().toString())).append(", format = csv }\n");
        s.append("algorithm = ").append(algorithm).append('\n');
        switch (task) {
            case "clustering" -> s.append("features = [").append(String.join(", ", d.features())).append("]\n")
                    .append("k = ").append(MlDataGenerator.BLOBS).append('\n');
            case "recommendation" -> s.append("user = ").append(d.features().get(0)).append(", item = ").append(d.features().get(1))
                    .append(", rating = ").append(d.target()).append(", implicit = true\n");
            default -> s.append("label = ").append(d.target()).append('\n')
                    .append("features { numeric = [").append(String.join(", ", d.features())).append("] }\n");
        }
        if (!task.equals("clustering")) {
            s.append("split { type = time, column = ").append(MlDataSet.IS_TEST).append(", train = 0.5 }\n");
        }
        return s.toString();
    }
}
