package dev.lakeforge.ml;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RankingEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * ALS recommendations (explicit ratings or implicit strengths). Users and items may be any ids (indexed inside
 * the saved pipeline). Evaluated on held-out interactions: RMSE (explicit) and precision / recall / NDCG at 10
 * and MAP of the top 10 items a user had not seen in training, against recommending the most popular items.
 * Cold start: users unknown to the model get the popular items; predictions for unknown users or items are the
 * training mean, never NaN.
 */
public final class AlsRecommender {
    /** Lakeforge's own parameter, not ALS's: which held-out ratings count as relevant. */
    static final String RELEVANT_RATING = "relevantRating";
    static final String USER = "__user";
    static final String ITEM = "__item";
    static final String RATING = "__rating";
    static final String USER_IDX = "__u";
    static final String ITEM_IDX = "__i";
    public static final int K = 10;
    private static final int CANDIDATES = 100;

    private AlsRecommender() {
    }

    static TrainOutcome train(ModelSpec spec, Dataset<Row> input) {
        var sc = input.sparkSession().sparkContext();
        if (sc.getCheckpointDir().isEmpty()) {
            // ALS cuts its lineage every checkpointInterval iterations only with a checkpoint folder; without one,
            // many iterations end in a StackOverflowError
            sc.setCheckpointDir(System.getProperty("java.io.tmpdir") + "/lakeforge-checkpoints/" + sc.applicationId());
        }
        Dataset<Row> data = input.select(col("`" + spec.user() + "`").cast(DataTypes.StringType).as(spec.user()),
                col("`" + spec.item() + "`").cast(DataTypes.StringType).as(spec.item()),
                col("`" + spec.rating() + "`").cast(DataTypes.DoubleType).as(spec.rating()));
        if (spec.split().column().isPresent()) {
            data = input.select(col("`" + spec.user() + "`").cast(DataTypes.StringType).as(spec.user()),
                    col("`" + spec.item() + "`").cast(DataTypes.StringType).as(spec.item()),
                    col("`" + spec.rating() + "`").cast(DataTypes.DoubleType).as(spec.rating()), col("`" + spec.split().column().get() + "`"));
        }
        data = data.where(col("`" + spec.rating() + "`").isNotNull()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row>[] split = ModelTrainer.split(data, spec);
            Dataset<Row> train = split[0].persist(StorageLevel.MEMORY_AND_DISK());
            Dataset<Row> test = split[1];
            long trainRows = train.count();
            long testRows = test.count();
            ALS als = new ALS().setUserCol(USER_IDX).setItemCol(ITEM_IDX).setRatingCol(RATING).setImplicitPrefs(spec.implicit())
                    .setRank(10).setMaxIter(10).setRegParam(0.1).setAlpha(1.0).setSeed(spec.split().seed()).setColdStartStrategy("nan");
            Map<String, Object> alsParams = new LinkedHashMap<>(spec.params());
            alsParams.remove(RELEVANT_RATING);
            ModelTrainer.applyParams(als, alsParams);
            List<PipelineStage> stages = List.of(
                    new SQLTransformer().setStatement("SELECT *, CAST(`" + spec.user() + "` AS STRING) AS " + USER + ", CAST(`" + spec.item()
                            + "` AS STRING) AS " + ITEM + ", CAST(`" + spec.rating() + "` AS DOUBLE) AS " + RATING + " FROM __THIS__"),
                    new StringIndexer().setInputCol(USER).setOutputCol(USER_IDX).setHandleInvalid("keep"),
                    new StringIndexer().setInputCol(ITEM).setOutputCol(ITEM_IDX).setHandleInvalid("keep"),
                    als);
            long fit0 = System.nanoTime();
            PipelineModel model = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(train);
            long fitMillis = (System.nanoTime() - fit0) / 1_000_000;
            double mean = train.agg(avg(col("`" + spec.rating() + "`"))).first().getDouble(0);
            Map<String, Double> metrics = new LinkedHashMap<>();
            Map<String, Double> baseline = new LinkedHashMap<>();
            if (!spec.implicit()) {
                Dataset<Row> predicted = predictions(model, test, mean);
                RegressionEvaluator rmse = new RegressionEvaluator().setLabelCol(RATING).setPredictionCol(ModelTrainer.PREDICTION).setMetricName("rmse");
                metrics.put("rmse", rmse.evaluate(predicted));
                baseline.put("rmse", rmse.evaluate(predicted.withColumn(ModelTrainer.PREDICTION, lit(mean))));
            }
            double threshold = spec.implicit() ? 0.0 : relevantThreshold(spec);
            Map<String, Double>[] ranking = ranking(spec, model, train, test, threshold);
            metrics.putAll(ranking[0]);
            baseline.putAll(ranking[1]);
            Map<String, String> params = new LinkedHashMap<>();
            ALSModel fitted = (ALSModel) model.stages()[3];
            params.put("rank", String.valueOf(fitted.rank()));
            params.put("implicitPrefs", String.valueOf(spec.implicit()));
            params.put("regParam", String.valueOf(als.getRegParam()));
            params.put("maxIter", String.valueOf(als.getMaxIter()));
            params.put("training_mean", String.valueOf(mean));
            return new TrainOutcome(model, metrics, baseline, params, Map.of(), List.of(), test, Map.of(), trainRows, testRows, fitMillis);
        } finally {
            data.unpersist();
        }
    }

    private static double relevantThreshold(ModelSpec spec) {
        Object t = spec.params().get(RELEVANT_RATING);
        return t instanceof Number n ? n.doubleValue() : 4.0;
    }

    /** Predicted ratings; unknown users or items get the training mean (never NaN). */
    public static Dataset<Row> predictions(PipelineModel model, Dataset<Row> rows, double mean) {
        Dataset<Row> p = model.transform(rows);
        return p.withColumn(ModelTrainer.PREDICTION, when(col(ModelTrainer.PREDICTION).isNull().or(isnan(col(ModelTrainer.PREDICTION))), lit(mean))
                .otherwise(col(ModelTrainer.PREDICTION)).cast(DataTypes.DoubleType));
    }

    /**
     * Top {@code k} items per user of {@code users} (column {@code userColumn}) that the user has not interacted with in
     * {@code seen}. Columns: user, item, score (the model's preference score; for items filled in from the popularity
     * list — users the model does not know, or too few unseen candidates — the item's share of all interactions),
     * rank (1 = best) and from_model.
     */
    public static Dataset<Row> recommend(PipelineModel model, Dataset<Row> users, String userColumn, Dataset<Row> seen, String seenUser,
                                         String seenItem, String seenRating, int k) {
        StringIndexerModel userIdx = (StringIndexerModel) model.stages()[1];
        StringIndexerModel itemIdx = (StringIndexerModel) model.stages()[2];
        ALSModel als = (ALSModel) model.stages()[3];
        String[] items = itemIdx.labelsArray()[0];
        Dataset<Row> u = userIdx.transform(users.select(col("`" + userColumn + "`").cast(DataTypes.StringType).as(USER)).distinct());
        // item names come from a broadcast join, not from a literal array: a literal would travel inside every task
        // (megabytes per task with a large catalogue)
        Dataset<Row> names = itemNames(users.sparkSession(), items);
        Dataset<Row> recs = als.recommendForUserSubset(u.where(col(USER_IDX).lt(userIdx.labelsArray()[0].length)), CANDIDATES)
                .select(col(USER_IDX), posexplode(col("recommendations")).as(new String[]{"__p", "__r"}))
                .join(broadcast(names), col("__r." + ITEM_IDX).equalTo(col("__idx")))
                .groupBy(col(USER_IDX))
                .agg(array_sort(collect_list(struct(col("__p"), col("__name").as("item"), col("__r.rating").cast(DataTypes.DoubleType).as("score"),
                        lit(true).as("from_model")))).as("__c"))
                .selectExpr(USER_IDX, "transform(__c, c -> named_struct('item', c.item, 'score', c.score, 'from_model', c.from_model)) AS candidates");
        Dataset<Row> seenLists = seen.groupBy(col("`" + seenUser + "`").cast(DataTypes.StringType).as(USER))
                .agg(collect_set(col("`" + seenItem + "`").cast(DataTypes.StringType)).as("seen"));
        List<Row> popular = popularity(seen, seenItem, seenRating);
        Column popularStructs = org.apache.spark.sql.functions.array(popular.stream().map(r -> org.apache.spark.sql.functions.struct(
                lit(r.getString(0)).as("item"), lit(r.getDouble(1)).as("score"), lit(false).as("from_model"))).toArray(Column[]::new));
        Dataset<Row> all = u.join(recs, new String[]{USER_IDX}, "left").join(seenLists, new String[]{USER}, "left")
                .withColumn("seen", coalesce(col("seen"), lit(new String[0])))
                .withColumn("__popular", popular.isEmpty()
                        ? expr("CAST(array() AS ARRAY<STRUCT<item: STRING, score: DOUBLE, from_model: BOOLEAN>>)") : popularStructs)
                .withColumn("__model", expr("slice(filter(coalesce(candidates, slice(__popular, 1, 0)), c -> NOT array_contains(seen, c.item)), 1, "
                        + k + ")"))
                // popular items fill in only where the model has fewer than k unseen candidates (lambdas run interpreted:
                // filtering the popular list for every user cost more than the model's own top-k)
                .withColumn("ranked", expr("CASE WHEN size(__model) >= " + k + " THEN __model ELSE slice(concat(__model, filter(__popular,"
                        + " c -> NOT array_contains(seen, c.item) AND NOT array_contains(transform(__model, m -> m.item), c.item))), 1, " + k
                        + ") END"));
        return all.select(col(USER).as("user"), org.apache.spark.sql.functions.posexplode(col("ranked")).as(new String[]{"pos", "r"}))
                .select(col("user"), col("r.item").as("item"), col("r.score").as("score"), col("pos").plus(1).as("rank"),
                        col("r.from_model").as("from_model"));
    }

    private static Dataset<Row> itemNames(SparkSession spark, String[] items) {
        List<Row> rows = new ArrayList<>(items.length);
        for (int i = 0; i < items.length; i++) {
            rows.add(RowFactory.create(i, items[i]));
        }
        StructType schema = new StructType().add("__idx", DataTypes.IntegerType, false).add("__name", DataTypes.StringType, true);
        return spark.createDataFrame(rows, schema);
    }

    /** The most interacted-with items, with their share of all interaction weight, best first. */
    static List<Row> popularity(Dataset<Row> seen, String item, String rating) {
        Dataset<Row> weights = seen.groupBy(col("`" + item + "`").cast(DataTypes.StringType).as("item"))
                .agg(sum(col("`" + rating + "`").cast(DataTypes.DoubleType)).as("weight"));
        Row total = weights.agg(sum("weight")).first();
        double t = total.isNullAt(0) || total.getDouble(0) == 0 ? 1.0 : total.getDouble(0);
        return weights.where(col("item").isNotNull()).orderBy(desc("weight"), col("item")).limit(CANDIDATES)
                .select(col("item"), org.apache.spark.sql.functions.round(col("weight").divide(t), 8).as("share")).collectAsList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double>[] ranking(ModelSpec spec, PipelineModel model, Dataset<Row> train, Dataset<Row> test, double threshold) {
        String user = spec.user();
        String item = spec.item();
        String rating = spec.rating();
        Dataset<Row> relevant = test.where(col("`" + rating + "`").gt(threshold))
                .groupBy(col("`" + user + "`").cast(DataTypes.StringType).as("user"))
                .agg(collect_set(col("`" + item + "`").cast(DataTypes.StringType)).as("relevant"));
        Dataset<Row> users = relevant.select(col("user"));
        Dataset<Row> recs = recommend(model, users, "user", train, user, item, rating, K);
        Dataset<Row> lists = recs.groupBy("user").agg(collect_list(org.apache.spark.sql.functions.struct(col("rank"), col("item"))).as("r"))
                .withColumn("recommended", expr("transform(array_sort(r), x -> x.item)")).drop("r");
        List<String> popular = popularity(train, item, rating).stream().map(r -> r.getString(0)).toList();
        Dataset<Row> seenLists = train.groupBy(col("`" + user + "`").cast(DataTypes.StringType).as("user"))
                .agg(collect_set(col("`" + item + "`").cast(DataTypes.StringType)).as("seen"));
        Dataset<Row> popularLists = users.join(seenLists, new String[]{"user"}, "left")
                .withColumn("recommended", slice(array_except(lit(popular.toArray(String[]::new)),
                        coalesce(col("seen"), lit(new String[0]))), 1, K)).drop("seen");
        return new Map[]{rankingMetrics(relevant, lists), rankingMetrics(relevant, popularLists)};
    }

    /** Precision, recall and NDCG at 10 and MAP, items mapped to numbers for Spark's evaluator. */
    private static Map<String, Double> rankingMetrics(Dataset<Row> relevant, Dataset<Row> recommended) {
        Dataset<Row> joined = relevant.join(recommended, new String[]{"user"}, "left")
                .withColumn("recommended", coalesce(col("recommended"), lit(new String[0])))
                .select(expr("transform(recommended, x -> CAST(xxhash64(x) AS DOUBLE))").as("prediction"),
                        expr("transform(relevant, x -> CAST(xxhash64(x) AS DOUBLE))").as("label"));
        RankingEvaluator e = new RankingEvaluator().setPredictionCol("prediction").setLabelCol("label").setK(K);
        Map<String, Double> m = new LinkedHashMap<>();
        // four metrics, one computation of the recommendations
        joined.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            m.put("precision_at_10", e.setMetricName("precisionAtK").evaluate(joined));
            m.put("recall_at_10", e.setMetricName("recallAtK").evaluate(joined));
            m.put("ndcg_at_10", e.setMetricName("ndcgAtK").evaluate(joined));
            m.put("map", e.setMetricName("meanAveragePrecision").evaluate(joined));
        } finally {
            joined.unpersist();
        }
        return m;
    }
}
