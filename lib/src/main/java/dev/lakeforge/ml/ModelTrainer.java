package dev.lakeforge.ml;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

/** Trains regression, classification and clustering models from a spec; recommendation lives in {@link AlsRecommender}. */
public final class ModelTrainer {
    static final String LABEL = "__label";
    static final String PREDICTION = "prediction";
    private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);

    private ModelTrainer() {
    }

    public static TrainOutcome train(ModelSpec spec, Dataset<Row> data) {
        return switch (spec.task()) {
            case REGRESSION, CLASSIFICATION -> supervised(spec, data);
            case CLUSTERING -> cluster(spec, data);
            case RECOMMENDATION -> AlsRecommender.train(spec, data);
        };
    }

    /** The label as {@value #LABEL}: a double for regression, a class index (classes in alphabetical order) for classification. */
    static Dataset<Row> withLabel(Dataset<Row> df, ModelSpec spec, List<String> labels) {
        String label = "`" + spec.label().orElseThrow() + "`";
        if (spec.task() == ModelSpec.Task.REGRESSION) {
            return df.withColumn(LABEL, col(label).cast(DataTypes.DoubleType));
        }
        org.apache.spark.sql.Column idx = lit(null).cast(DataTypes.DoubleType);
        for (int i = labels.size() - 1; i >= 0; i--) {
            idx = when(col(label).cast(DataTypes.StringType).equalTo(labels.get(i)), lit((double) i)).otherwise(idx);
        }
        return df.withColumn(LABEL, idx);
    }

    static List<String> classLabels(Dataset<Row> df, ModelSpec spec) {
        StringIndexerModel m = new StringIndexer().setStringOrderType("alphabetAsc").setInputCol("__l").setOutputCol("__li")
                .fit(df.select(col("`" + spec.label().orElseThrow() + "`").cast(DataTypes.StringType).as("__l")));
        return List.of(m.labelsArray()[0]);
    }

    private static TrainOutcome supervised(ModelSpec spec, Dataset<Row> input) {
        boolean classification = spec.task() == ModelSpec.Task.CLASSIFICATION;
        List<String> labels = classification ? classLabels(input, spec) : List.of();
        Dataset<Row> data = withLabel(input, spec, labels).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> train = null;
        try {
            Dataset<Row>[] split = split(data, spec);
            train = split[0].persist(StorageLevel.MEMORY_AND_DISK());
            Dataset<Row> test = split[1];
            long trainRows = train.count();
            long testRows = test.count();
            if (trainRows == 0 || testRows == 0) {
                throw new dev.lakeforge.config.ConfigurationException("split", trainRows + " training and " + testRows + " held-out rows",
                        "a split that leaves rows on both sides");
            }
            boolean scale = spec.algorithm() == ModelSpec.Algorithm.LINEAR || spec.algorithm() == ModelSpec.Algorithm.LOGISTIC;
            List<PipelineStage> stages = new ArrayList<>(FeaturePipeline.stages(spec.numeric(), spec.categorical(), scale));
            Predictor<?, ?, ?> estimator = estimator(spec, labels.size());
            applyParams(estimator, spec.params());
            stages.add(estimator);
            Pipeline pipeline = new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
            Evaluator evaluator = classification
                    ? (labels.size() == 2 ? new BinaryClassificationEvaluator().setLabelCol(LABEL).setMetricName("areaUnderROC")
                    : new MulticlassClassificationEvaluator().setLabelCol(LABEL).setMetricName("f1"))
                    : new RegressionEvaluator().setLabelCol(LABEL).setMetricName("rmse");
            PipelineModel model;
            Map<String, String> chosen = new LinkedHashMap<>();
            long fit0 = System.nanoTime();
            if (spec.tuning().enabled()) {
                ParamMap[] grid = grid(estimator, spec.tuning());
                LOG.info("Tuning {} over {} parameter combinations ({})", spec.name(), grid.length, spec.tuning().method());
                if ("cv".equals(spec.tuning().method())) {
                    CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid).setEvaluator(evaluator)
                            .setNumFolds(spec.tuning().folds()).setParallelism(spec.tuning().parallelism()).setSeed(spec.split().seed()).fit(train);
                    model = (PipelineModel) cv.bestModel();
                } else {
                    TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(pipeline).setEstimatorParamMaps(grid)
                            .setEvaluator(evaluator).setTrainRatio(spec.tuning().trainRatio()).setParallelism(spec.tuning().parallelism())
                            .setSeed(spec.split().seed()).fit(train);
                    model = (PipelineModel) tvs.bestModel();
                }
            } else {
                model = pipeline.fit(train);
            }
            long fitMillis = (System.nanoTime() - fit0) / 1_000_000;
            Params fitted = (Params) model.stages()[model.stages().length - 1];
            for (Param<?> p : fitted.params()) {
                if (fitted.isDefined(p) && (spec.tuning().grid().containsKey(p.name()) || spec.params().containsKey(p.name())
                        || List.of("maxDepth", "numTrees", "maxIter", "regParam", "elasticNetParam", "stepSize").contains(p.name()))) {
                    chosen.put(p.name(), String.valueOf(fitted.getOrDefault(p)));
                }
            }
            Dataset<Row> predictions = model.transform(test);
            Map<String, Double> metrics = classification ? Metrics.classification(predictions, labels.size())
                    : Metrics.regression(predictions);
            Map<String, Double> baseline = classification ? Metrics.majorityBaseline(train, test, labels.size())
                    : Metrics.meanBaseline(train, test);
            Map<String, Double> importances = importances(model, predictions, spec);
            return new TrainOutcome(model, metrics, baseline, chosen, importances, labels, test.drop(LABEL), Map.of(), trainRows, testRows, fitMillis);
        } finally {
            if (train != null) {
                train.unpersist();
            }
            data.unpersist();
        }
    }

    /**
     * Fits the spec's feature pipeline and estimator (its params, no tuning) on all of {@code train} — for
     * backtests, which choose their own training windows. Regression and classification only.
     */
    public static PipelineModel fitSupervised(ModelSpec spec, Dataset<Row> train) {
        boolean classification = spec.task() == ModelSpec.Task.CLASSIFICATION;
        List<String> labels = classification ? classLabels(train, spec) : List.of();
        boolean scale = spec.algorithm() == ModelSpec.Algorithm.LINEAR || spec.algorithm() == ModelSpec.Algorithm.LOGISTIC;
        List<PipelineStage> stages = new ArrayList<>(FeaturePipeline.stages(spec.numeric(), spec.categorical(), scale));
        Predictor<?, ?, ?> estimator = estimator(spec, labels.size());
        applyParams(estimator, spec.params());
        stages.add(estimator);
        return new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(withLabel(train, spec, labels));
    }

    static Dataset<Row>[] split(Dataset<Row> data, ModelSpec spec) {
        if (!spec.split().byTime()) {
            return data.randomSplit(new double[]{spec.split().train(), 1 - spec.split().train()}, spec.split().seed());
        }
        String column = "`" + spec.split().column().orElseThrow() + "`";
        Dataset<Row> withT = data.withColumn("__t", col(column).cast(DataTypes.TimestampType).cast(DataTypes.DoubleType));
        double[] q = withT.stat().approxQuantile("__t", new double[]{spec.split().train()}, 0.0);
        @SuppressWarnings("unchecked")
        Dataset<Row>[] out = new Dataset[]{withT.where(col("__t").leq(q[0])).drop("__t"), withT.where(col("__t").gt(q[0])).drop("__t")};
        return out;
    }

    private static Predictor<?, ?, ?> estimator(ModelSpec spec, int classes) {
        boolean classification = spec.task() == ModelSpec.Task.CLASSIFICATION;
        Predictor<?, ?, ?> p = switch (spec.algorithm()) {
            case LINEAR -> new LinearRegression().setMaxIter(200);
            case LOGISTIC -> new LogisticRegression().setMaxIter(200);
            case RANDOM_FOREST -> classification ? new RandomForestClassifier().setNumTrees(100).setMaxDepth(10).setSeed(spec.split().seed())
                    : new RandomForestRegressor().setNumTrees(100).setMaxDepth(10).setSeed(spec.split().seed());
            case GBT -> classification ? new GBTClassifier().setMaxIter(60).setMaxDepth(5).setSeed(spec.split().seed())
                    : new GBTRegressor().setMaxIter(80).setMaxDepth(5).setSeed(spec.split().seed());
            default -> throw new IllegalStateException(spec.algorithm() + " is not a supervised algorithm");
        };
        p.set(p.getParam("labelCol"), LABEL);
        p.set(p.getParam("featuresCol"), FeaturePipeline.FEATURES);
        return p;
    }

    /**
     * Sets the spec's {@code params} and {@code tuning.grid} on a fresh estimator of its algorithm (no Spark session needed),
     * so that an unknown name, a value of the wrong type or out of range stops the spec when it is read.
     */
    static void checkParams(ModelSpec spec) {
        Params estimator = switch (spec.algorithm()) {
            case KMEANS -> new KMeans();
            case ALS -> new org.apache.spark.ml.recommendation.ALS();
            default -> estimator(spec, 2);
        };
        Map<String, Object> params = new LinkedHashMap<>(spec.params());
        if (spec.algorithm() == ModelSpec.Algorithm.ALS) {
            params.remove(AlsRecommender.RELEVANT_RATING);
        }
        applyParams(estimator, params);
        grid(estimator, spec.tuning());
    }

    /** Sets parameters given in the spec on an estimator, converting HOCON values to the parameter's type. */
    static void applyParams(Params estimator, Map<String, Object> params) {
        for (Map.Entry<String, Object> e : params.entrySet()) {
            Param<Object> p = param(estimator, "params." + e.getKey(), e.getKey());
            estimator.set(p, checked(p, "params." + e.getKey(), e.getValue()));
        }
    }

    private static Param<Object> param(Params estimator, String key, String name) {
        if (!estimator.hasParam(name)) {
            throw new dev.lakeforge.config.ConfigurationException(key, "an unknown parameter of "
                    + estimator.getClass().getSimpleName(), "one of " + java.util.Arrays.stream(estimator.params()).map(Param::name).toList());
        }
        return castParam(estimator.getParam(name));
    }

    /** The value converted to the parameter's type and passed through the parameter's own check (e.g. maxDepth >= 0). */
    private static Object checked(Param<Object> p, String key, Object value) {
        Object v = convert(p, key, value);
        try {
            p.w(v); // a ParamPair validates its value
        } catch (IllegalArgumentException e) {
            throw new dev.lakeforge.config.ConfigurationException(key, "'" + value + "'", "a valid " + p.name() + " (" + p.doc() + ")");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Param<Object> castParam(Param<?> p) {
        return (Param<Object>) p;
    }

    static Object convert(Param<?> p, String key, Object v) {
        String kind = p.getClass().getSimpleName();
        boolean whole = v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue());
        Object out = switch (kind) {
            case "IntParam" -> whole && Math.abs(((Number) v).doubleValue()) <= Integer.MAX_VALUE ? (Object) ((Number) v).intValue() : null;
            case "LongParam" -> whole ? (Object) ((Number) v).longValue() : null;
            case "DoubleParam" -> v instanceof Number n ? (Object) n.doubleValue() : null;
            case "BooleanParam" -> v instanceof Boolean ? v : null;
            default -> v instanceof String || v instanceof Number ? String.valueOf(v) : null;
        };
        if (out == null) {
            String expected = switch (kind) {
                case "IntParam", "LongParam" -> "an integer";
                case "DoubleParam" -> "a number";
                case "BooleanParam" -> "true or false";
                default -> "a value such as \"auto\"";
            };
            throw new dev.lakeforge.config.ConfigurationException(key, "'" + v + "'", expected + " for " + p.name() + " (" + p.doc() + ")");
        }
        return out;
    }

    private static ParamMap[] grid(Params estimator, ModelSpec.Tuning tuning) {
        ParamGridBuilder b = new ParamGridBuilder();
        for (Map.Entry<String, List<Object>> e : tuning.grid().entrySet()) {
            String key = "tuning.grid." + e.getKey();
            Param<Object> p = param(estimator, key, e.getKey());
            List<Object> values = e.getValue().stream().map(v -> checked(p, key, v)).toList();
            b.addGrid(p, scala.jdk.javaapi.CollectionConverters.asScala(values));
        }
        return b.build();
    }

    private static Map<String, Double> importances(PipelineModel model, Dataset<Row> predictions, ModelSpec spec) {
        Object last = model.stages()[model.stages().length - 1];
        Vector imp = null;
        if (last instanceof org.apache.spark.ml.classification.RandomForestClassificationModel m) {
            imp = m.featureImportances();
        } else if (last instanceof org.apache.spark.ml.regression.RandomForestRegressionModel m) {
            imp = m.featureImportances();
        } else if (last instanceof org.apache.spark.ml.classification.GBTClassificationModel m) {
            imp = m.featureImportances();
        } else if (last instanceof org.apache.spark.ml.regression.GBTRegressionModel m) {
            imp = m.featureImportances();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        if (imp == null) {
            return out;
        }
        AttributeGroup group = AttributeGroup.fromStructField(predictions.schema().apply(FeaturePipeline.FEATURES));
        Map<String, Double> byName = new LinkedHashMap<>();
        for (int i = 0; i < imp.size(); i++) {
            String name = "f" + i;
            if (group.attributes().isDefined()) {
                Attribute a = group.attributes().get()[i];
                if (a.name().isDefined()) {
                    name = FeaturePipeline.readable(a.name().get(), spec.numeric(), spec.categorical());
                }
            }
            byName.merge(name, imp.apply(i), Double::sum);
        }
        byName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static TrainOutcome cluster(ModelSpec spec, Dataset<Row> data) {
        Dataset<Row> d = data.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            ClusteringEvaluator eval = new ClusteringEvaluator().setFeaturesCol(FeaturePipeline.FEATURES).setPredictionCol(PREDICTION);
            PipelineModel best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            int bestK = spec.kMin();
            Map<String, Double> byK = new LinkedHashMap<>();
            long rows = d.count(); // caches the rows before the clock starts
            long fitNanos = 0;
            for (int k = spec.kMin(); k <= spec.kMax(); k++) {
                List<PipelineStage> stages = new ArrayList<>(FeaturePipeline.stages(spec.numeric(), spec.categorical(), true));
                KMeans km = new KMeans().setK(k).setSeed(spec.split().seed()).setFeaturesCol(FeaturePipeline.FEATURES).setPredictionCol(PREDICTION);
                applyParams(km, spec.params());
                stages.add(km);
                long fit0 = System.nanoTime();
                PipelineModel m = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(d);
                fitNanos += System.nanoTime() - fit0;
                double s = eval.evaluate(m.transform(d));
                byK.put("silhouette_k" + k, s);
                LOG.info("k-means {}: k = {} silhouette {}", spec.name(), k, s);
                if (s > bestScore) {
                    bestScore = s;
                    best = m;
                    bestK = k;
                }
            }
            Dataset<Row> assigned = best.transform(d);
            Map<String, Long> sizes = new LinkedHashMap<>();
            assigned.groupBy(PREDICTION).count().orderBy(PREDICTION).collectAsList()
                    .forEach(r -> sizes.put("cluster_" + r.getInt(0), r.getLong(1)));
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("k", (double) bestK);
            metrics.put("silhouette", bestScore);
            metrics.putAll(byK);
            Dataset<Row> random = assigned.withColumn(PREDICTION, floor(rand(spec.split().seed()).multiply(bestK)).cast(DataTypes.IntegerType));
            Map<String, Double> baseline = new LinkedHashMap<>();
            baseline.put("k", (double) bestK);
            baseline.put("silhouette", eval.evaluate(random));
            return new TrainOutcome(best, metrics, baseline, Map.of("k", String.valueOf(bestK)), Map.of(), List.of(), data,
                    sizes, rows, 0, fitNanos / 1_000_000);
        } finally {
            d.unpersist();
        }
    }

    static double avgOf(Dataset<Row> df, String column) {
        return df.agg(avg(col(column))).first().getDouble(0);
    }

    static org.apache.spark.sql.Column safeLog(org.apache.spark.sql.Column c) {
        return log(when(c.lt(1e-15), lit(1e-15)).otherwise(c));
    }
}
