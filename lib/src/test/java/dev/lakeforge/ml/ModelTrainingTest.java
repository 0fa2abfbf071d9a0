package dev.lakeforge.ml;

import com.typesafe.config.ConfigFactory;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.JobRunner;
import dev.lakeforge.runs.RunRecord;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model families on real public data sets, through the same spec files users run with `lakeforge train`. */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelTrainingTest {
    static final Path PROJECT = Path.of(System.getProperty("test.project.dir", "..")).toAbsolutePath().normalize();
    static final Path SHARED = Path.of(System.getProperty("test.shared.dir", "../../shared")).toAbsolutePath().normalize();
    static final Path EXAMPLES = PROJECT.resolve("conf/models/examples");
    TestLakehouse t;

    @BeforeAll
    void lakehouse() {
        t = SparkExtension.newLakehouse();
    }

    TrainResult train(ModelSpec spec) {
        AtomicReference<TrainResult> result = new AtomicReference<>();
        RunRecord r = new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream())).run("train", LocalDate.now(),
                run -> result.set(new TrainModelAction(t.lakehouse()).spec(spec).run(run).execute()));
        assertThat(r.succeeded()).as(r.errorMessage()).isTrue();
        return result.get();
    }

    static ModelSpec spec(String hocon) {
        return ModelSpec.parse(ConfigFactory.parseString(hocon), SHARED.resolve("datasets"));
    }

    @Test
    void concreteLinearRegressionExplainsAtLeast60Percent() {
        TrainResult r = train(ModelSpec.read(EXAMPLES.resolve("concrete-linear.conf")));
        assertThat(r.metrics().get("r2")).isGreaterThanOrEqualTo(0.60);
        assertThat(r.baseline().get("r2")).isLessThan(0.05);
        assertThat(r.metrics().get("rmse")).isLessThan(r.baseline().get("rmse"));
        assertThat(r.model().alias()).isEqualTo("champion");

        // scoring the registered model on its held-out rows reproduces its metrics exactly
        AtomicReference<ScoreResult> scored = new AtomicReference<>();
        new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream())).run("score", LocalDate.now(),
                run -> scored.set(new ScoreModelAction(t.lakehouse()).model("concrete_strength_linear@champion").holdout(true)
                        .output(TableName.parse("gold.concrete_scores")).run(run).execute()));
        assertThat(scored.get().metrics()).isEqualTo(r.metrics());
        assertThat(t.lakehouse().read(TableName.parse("gold.concrete_scores")).columns()).contains("prediction", "cement");
    }

    @Test
    void concreteTunedForestExplainsAtLeast85Percent() {
        TrainResult r = train(ModelSpec.read(EXAMPLES.resolve("concrete-forest.conf")));
        assertThat(r.metrics().get("r2")).isGreaterThanOrEqualTo(0.85);
        assertThat(r.params()).containsKey("maxDepth");
        assertThat(r.importances()).containsKey("age").containsKey("cement");
    }

    @Test
    void telecomChurnTreeEnsemblesReachAuc090() {
        TrainResult gbt = train(ModelSpec.read(EXAMPLES.resolve("mlc-churn-gbt.conf")));
        assertThat(gbt.metrics().get("auc")).isGreaterThanOrEqualTo(0.85);
        TrainResult r = train(ModelSpec.read(EXAMPLES.resolve("mlc-churn-forest.conf")));
        assertThat(r.metrics().get("auc")).isGreaterThanOrEqualTo(0.90);
        assertThat(r.baseline().get("auc")).isEqualTo(0.5);
        assertThat(r.metrics().get("accuracy")).isGreaterThan(r.baseline().get("accuracy"));
        assertThat(r.metrics()).containsKeys("auc_pr", "f1", "log_loss");
        assertThat(r.metrics().get("log_loss")).isLessThan(r.baseline().get("log_loss"));
    }

    @Test
    void irisKMeansPicksTwoOrThreeClustersBySilhouette() {
        TrainResult r = train(ModelSpec.read(EXAMPLES.resolve("iris-kmeans.conf")));
        assertThat(r.metrics().get("k")).isBetween(2.0, 3.0);
        assertThat(r.metrics().get("silhouette")).isGreaterThan(r.baseline().get("silhouette"));
        assertThat(r.clusterSizes().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(150);
    }

    @Test
    void explicitAlsOnRatingsHandlesColdStartWithoutNaN() {
        // ratings from the sample's CRM feed (its dirty lines dropped), as a Parquet file
        String path = t.root().resolve("ratings.parquet").toString();
        t.spark().read().json(PROJECT.resolve("data/sample/2024-06-30/crm/interactions.jsonl").toString())
                .selectExpr("customer_id", "product_id", "try_cast(rating AS INT) AS rating", "event_type")
                .where("event_type = 'rating' AND rating BETWEEN 1 AND 5").write().parquet(path);
        TrainResult r = train(spec("""
                name = ratings_als
                task = recommendation
                input { path = "%s", format = parquet }
                user = customer_id
                item = product_id
                rating = rating
                implicit = false
                params { relevantRating = 4, rank = 5, regParam = 0.5 }
                """.formatted(path)));
        // sparse explicit ratings are hard to beat with the mean; what matters here: finite numbers everywhere,
        // although the held-out data holds users and items the model never saw
        assertThat(r.metrics().get("rmse")).isFinite().isLessThan(r.baseline().get("rmse") * 1.25);
        assertThat(r.metrics()).containsKeys("precision_at_10", "recall_at_10", "ndcg_at_10", "map");
        assertThat(r.metrics().values()).allSatisfy(v -> assertThat(v).isFinite());
    }

    @Test
    void newVersionBecomesChampionOnlyIfNoWorse() {
        ModelSpec good = spec("""
                name = mix_strength
                task = regression
                input { path = "concrete.csv", format = csv }
                label = compressive_strength
                features.numeric = [cement, water, age, superplasticizer, blast_furnace_slag]
                algorithm = linear
                """);
        ModelSpec worse = spec("""
                name = mix_strength
                task = regression
                input { path = "concrete.csv", format = csv }
                label = compressive_strength
                features.numeric = [coarse_aggregate]
                algorithm = linear
                """);
        assertThat(train(good).model().alias()).isEqualTo("champion");
        TrainResult second = train(worse);
        assertThat(second.model().version()).isEqualTo(2);
        assertThat(second.model().alias()).isEqualTo("candidate");
        assertThat(new ModelRegistry(t.lakehouse()).resolve("mix_strength").version()).isEqualTo(1);
        assertThat(new ModelRegistry(t.lakehouse()).resolve("mix_strength@2").alias()).isEqualTo("candidate");
    }

    @Test
    void aBetterVersionTakesOverAndTheOldChampionStepsDownInOneCommit() {
        String base = """
                name = mix_strength_up
                task = regression
                input { path = "concrete.csv", format = csv }
                label = compressive_strength
                algorithm = linear
                """;
        assertThat(train(spec(base + "features.numeric = [coarse_aggregate]")).model().alias()).isEqualTo("champion");
        long before = t.lakehouse().version(ModelRegistry.TABLE).orElseThrow();
        TrainResult better = train(spec(base + "features.numeric = [cement, water, age, superplasticizer, blast_furnace_slag]"));
        assertThat(better.model().alias()).isEqualTo("champion");
        assertThat(t.lakehouse().version(ModelRegistry.TABLE)).hasValue(before + 1);
        ModelRegistry registry = new ModelRegistry(t.lakehouse());
        assertThat(registry.resolve("mix_strength_up").version()).isEqualTo(2);
        assertThat(registry.resolve("mix_strength_up@1").alias()).isEqualTo("candidate");
        assertThat(t.lakehouse().read(ModelRegistry.TABLE).where("name = 'mix_strength_up'").count()).isEqualTo(2);
    }

    @Test
    void badSpecsStopBeforeTrainingWithTheProblemNamed() {
        String base = "name = bad\ninput { path = \"mlc_churn.csv\", format = csv }\n";
        assertThatThrownBy(() -> check(base + "task = classification\nlabel = churn\nfeatures.numeric = [no_such_column]"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("column 'no_such_column' is not in the input");
        assertThatThrownBy(() -> check(base + "task = regression\nlabel = churn\nfeatures.numeric = [account_length]"))
                .hasMessageContaining("label: expected a numeric label for regression");
        assertThatThrownBy(() -> check(base + "task = classification\nlabel = churn\nfeatures.numeric = [account_length]\n"
                + "input.where = \"churn = 'no'\""))
                .hasMessageContaining("label: expected at least two classes").hasMessageContaining("1 class(es) [no]");
        assertThatThrownBy(() -> check(base + "task = classification\nlabel = churn\nfeatures.numeric = [account_length]\n"
                + "input.where = \"account_length < 0\""))
                .hasMessageContaining("input: expected an input with rows to learn from, found no rows");
        assertThatThrownBy(() -> spec(base + "task = clustering\nfeatures = [account_length]\nk = 3\nalgorithm = gbt"))
                .hasMessageContaining("algorithm: expected an algorithm for clustering");
        assertThatThrownBy(() -> spec(base + "task = forecasting"))
                .hasMessageContaining("task: expected one of regression, classification, clustering, recommendation");
        assertThatThrownBy(() -> spec(base + "task = regression\nlabel = x"))
                .hasMessageContaining("features: expected features { numeric = [..], categorical = [..] }");
        assertThatThrownBy(() -> check(base + "task = classification\nlabel = state\nfeatures.numeric = [account_length]"))
                .hasMessageContaining("algorithm: expected random-forest or logistic");
        assertThatThrownBy(() -> check(base + "task = regression\nlabel = account_length\nfeatures.numeric = [state]"))
                .hasMessageContaining("features.numeric: expected numeric columns");
    }

    void check(String hocon) {
        ModelSpec s = spec(hocon);
        TrainingData.validate(TrainingData.load(t.lakehouse(), s.input(), "ops.job_runs").data(), s);
    }
}
