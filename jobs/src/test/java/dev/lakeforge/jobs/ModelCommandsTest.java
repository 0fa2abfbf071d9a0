package dev.lakeforge.jobs;

import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SparkExtension.class)
class ModelCommandsTest {
    static final Path PROJECT = Path.of(System.getProperty("test.project.dir", "..")).toAbsolutePath().normalize();

    @Test
    void trainScoreAndListAModelFromTheCommandLine(TestLakehouse t) throws Exception {
        Path metrics = t.root().resolve("out/iris.json");
        CliRunner.Result train = CliRunner.run(t, "train", "--spec", PROJECT.resolve("conf/models/examples/iris-kmeans.conf").toString(),
                "--metrics-out", metrics.toString());
        assertThat(train.exitCode()).as(train.all()).isZero();
        assertThat(train.out()).contains("Model iris_segments version 1 (champion)").contains("silhouette");
        assertThat(Files.readString(metrics)).contains("\"k\"").contains("\"silhouette\"").contains("\"cluster_sizes\"");

        CliRunner.Result score = CliRunner.run(t, "score", "--model", "iris_segments@champion", "--holdout", "--output", "gold.iris_clusters");
        assertThat(score.exitCode()).as(score.all()).isZero();
        assertThat(score.out()).contains("150 rows in gold.iris_clusters");
        assertThat(t.lakehouse().read(dev.lakeforge.lake.TableName.parse("gold.iris_clusters")).columns()).contains("cluster");

        CliRunner.Result models = CliRunner.run(t, "models");
        assertThat(models.out()).contains("iris_segments").contains("champion").contains("silhouette");
    }

    @Test
    void badSpecsAndSelectorsAreUsageErrors(TestLakehouse t) throws Exception {
        Path spec = t.root().resolve("bad.conf");
        Files.writeString(spec, "name = x\ntask = regression\ninput.table = gold.nothing\n");
        CliRunner.Result r = CliRunner.run(t, "train", "--spec", spec.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("label: expected the column to predict").contains("features: expected");
        assertThat(CliRunner.run(t, "train", "--spec", t.root().resolve("missing.conf").toString()).exitCode()).isEqualTo(2);
        CliRunner.Result both = CliRunner.run(t, "score", "--model", "x", "--output", "gold.y");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("either --input TABLE|PATH or --holdout");
    }
}
