package dev.lakeforge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path home;

    private ConfigLoader loader() {
        return ConfigLoader.create().home(home).envVars(Map.of()).systemProperties(new Properties());
    }

    private void write(String relative, String content) throws IOException {
        Path p = home.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void referenceDefaultsResolveAgainstHome() {
        LakeforgeConfig c = loader().load().config();
        assertThat(c.lakehouse().root()).isEqualTo(home.resolve("lakehouse").toString());
        assertThat(c.metastore().derbyDir()).isEqualTo(home.resolve("lakehouse/_metastore").toString());
        assertThat(c.spark().master()).isEqualTo("local[*]");
        assertThat(c.serving().url()).isEqualTo("jdbc:sqlite:" + home.resolve("lakehouse/serving/lakeforge.db"));
        assertThat(c.serving().isSqlite()).isTrue();
    }

    @Test
    void setTakesHoconListsAndNamesAMalformedOne() throws IOException {
        write("conf/application.conf", "lakeforge.environment = app");
        LakeforgeConfig c = loader().overrides(List.of("pipeline.stages=[ingest, refine]", "models.business=[a.conf, \"b.conf\"]"))
                .load().config();
        assertThat(c.models().pipelineStages()).containsExactly("ingest", "refine");
        assertThat(c.models().business()).hasSize(2).allSatisfy(p -> assertThat(p).endsWith(".conf"));
        assertThatThrownBy(() -> loader().overrides(List.of("pipeline.stages=[ingest,")).load())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lakeforge.pipeline.stages")
                .hasMessageContaining("a HOCON list [a, b]");
    }

    @Test
    void layersOverrideInOrder() throws IOException {
        write("conf/application.conf", "lakeforge.spark.shuffle-partitions = 3\nlakeforge.spark.app-name = from-app\n"
                + "lakeforge.runs.list-limit = 5\nlakeforge.retry.max-attempts = 6\nlakeforge.environment = app");
        write("conf/env/dev.conf", "lakeforge.spark.shuffle-partitions = 4\nlakeforge.runs.list-limit = 6\n"
                + "lakeforge.retry.max-attempts = 7\nlakeforge.environment = dev");
        Properties props = new Properties();
        props.setProperty("lakeforge.runs.list-limit", "7");
        props.setProperty("lakeforge.retry.max-attempts", "8");
        LoadedConfig loaded = loader().environment("dev")
                .envVars(Map.of("LAKEFORGE_RUNS_LIST__LIMIT", "8", "LAKEFORGE_RETRY_MAX__ATTEMPTS", "9", "LAKEFORGE_SPARK_APP__NAME", "from-env"))
                .systemProperties(props)
                .overrides(List.of("retry.max-attempts=10"))
                .load();
        LakeforgeConfig c = loaded.config();
        assertThat(c.spark().shufflePartitions()).as("env file over application file").isEqualTo(4);
        assertThat(c.spark().appName()).as("env var over application file").isEqualTo("from-env");
        assertThat(c.runs().listLimit()).as("-D over env var").isEqualTo(7);
        assertThat(c.retry().maxAttempts()).as("--set over -D").isEqualTo(10);
        assertThat(c.environment()).isEqualTo("dev");
        assertThat(loaded.layers()).hasSize(3);
        assertThat(loaded.describeValues()).anySatisfy(l -> assertThat(l)
                .startsWith("lakeforge.retry.max-attempts = ").contains("--set"));
        assertThat(loaded.describeValues()).anySatisfy(l -> assertThat(l)
                .startsWith("lakeforge.spark.app-name = ").contains("env variable LAKEFORGE_SPARK_APP__NAME"));
    }

    @Test
    void environmentComesFromLakeforgeEnvVariable() throws IOException {
        write("conf/env/prod.conf", "lakeforge.environment = prod");
        assertThat(loader().envVars(Map.of("LAKEFORGE_ENV", "prod")).load().config().environment()).isEqualTo("prod");
    }

    @Test
    void overridingTheRootMovesEverythingDefinedUnderIt() {
        LakeforgeConfig c = loader().overrides(List.of("lakehouse.root=/data/lake")).load().config();
        assertThat(c.metastore().warehouseDir()).isEqualTo("/data/lake/warehouse");
        assertThat(c.serving().url()).isEqualTo("jdbc:sqlite:/data/lake/serving/lakeforge.db");
    }

    @Test
    void uriRootsAreKeptAsGiven() {
        LakeforgeConfig c = loader().overrides(List.of("lakehouse.root=\"s3a://bucket/lake/\"", "metastore.type=in-memory")).load().config();
        assertThat(c.lakehouse().root()).isEqualTo("s3a://bucket/lake");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "spark.shuffle-partitions | abc        | an integer from 1 to 100000",
            "spark.shuffle-partitions | 0          | an integer from 1 to 100000",
            "spark.master             | localhost  | a Spark master URL",
            "metastore.type           | mysql      | one of derby, jdbc, in-memory",
            "runs.table               | job_runs   | a table name layer.table",
            "runs.table               | 'ops.x; DROP TABLE y' | a table name layer.table",
            "serving.schema           | 'bi; DROP SCHEMA public' | an identifier",
            "serving.reader-role      | '\"bi\" cascade' | an identifier",
            "serving.url              | postgres://x | a JDBC URL",
            "retry.initial-backoff    | soon       | a duration",
            "retry.max-attempts       | 1000       | an integer from 1 to 100",
            "spark.app-name           | '\"\"'     | a non-empty string",
    })
    void badValuesNameTheKeyTheValueAndWhatIsExpected(String key, String value, String expected) {
        assertThatThrownBy(() -> loader().overrides(List.of(key + "=" + value)).load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lakeforge." + key + ": expected " + expected)
                .hasMessageContaining("found ")
                .hasMessageContaining("--set lakeforge." + key);
    }

    @Test
    void wrongTypeInFileNamesFileAndLine() throws IOException {
        write("conf/application.conf", "lakeforge {\n  spark {\n    shuffle-partitions = [1, 2]\n  }\n}\n");
        assertThatThrownBy(() -> loader().load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lakeforge.spark.shuffle-partitions: expected an integer")
                .hasMessageContaining("application.conf: 3");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> loader().overrides(List.of("spark.shuffle-partitions=x", "metastore.type=oracle")).load())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key)
                        .containsExactlyInAnyOrder("lakeforge.spark.shuffle-partitions", "lakeforge.metastore.type"))
                .hasMessageContaining("2 problems");
    }

    @Test
    void missingKeyIsNamed() throws IOException {
        write("conf/application.conf", "lakeforge.spark.app-name = null");
        assertThatThrownBy(() -> loader().load())
                .hasMessageContaining("lakeforge.spark.app-name: expected a string, found null");
    }

    @Test
    void jdbcMetastoreNeedsAJdbcUrl() {
        assertThatThrownBy(() -> loader().overrides(List.of("metastore.type=jdbc")).load())
                .hasMessageContaining("lakeforge.metastore.jdbc.url: expected a JDBC URL");
    }

    @Test
    void literalSecretInAFileIsRefusedAndNotShown() throws IOException {
        write("conf/application.conf", "lakeforge.serving.password = \"hunter2-secret\"");
        assertThatThrownBy(() -> loader().load())
                .hasMessageContaining("lakeforge.serving.password: expected an environment variable reference")
                .hasMessageNotContaining("hunter2-secret");
    }

    @Test
    void secretOnTheCommandLineIsRefused() {
        assertThatThrownBy(() -> loader().overrides(List.of("serving.password=hunter2-secret")).load())
                .hasMessageContaining("lakeforge.serving.password")
                .hasMessageNotContaining("hunter2-secret");
    }

    @Test
    void secretFromEnvironmentIsUsedAndMasked() {
        Map<String, String> env = new HashMap<>();
        env.put("LAKEFORGE_SERVING_PASSWORD", "s3cr3t-value");
        LoadedConfig loaded = loader().envVars(env).load();
        assertThat(loaded.config().serving().password()).contains("s3cr3t-value");
        assertThat(String.join("\n", loaded.describeValues())).contains("lakeforge.serving.password = ********")
                .doesNotContain("s3cr3t-value");
        assertThat(loaded.config().serving().toString()).doesNotContain("s3cr3t-value");
        assertThat(loaded.secretValues()).containsExactly("s3cr3t-value");
    }

    @Test
    void hashIsStableAndChangesWithSettingsButNotWithSecrets() {
        String a = loader().load().hash();
        String b = loader().load().hash();
        String c = loader().overrides(List.of("spark.shuffle-partitions=3")).load().hash();
        String d = loader().envVars(Map.of("LAKEFORGE_SERVING_PASSWORD", "x-y-z")).load().hash();
        assertThat(a).hasSize(16).isEqualTo(b).isNotEqualTo(c).isEqualTo(d);
    }

    @Test
    void unknownEnvironmentListsTheKnownOnes() throws IOException {
        write("conf/env/dev.conf", "");
        write("conf/env/prod.conf", "");
        assertThatThrownBy(() -> loader().environment("staging").load())
                .hasMessageContaining("--env / LAKEFORGE_ENV: expected the name of an environment file")
                .hasMessageContaining("dev, prod");
    }

    @Test
    void environmentNameCannotEscapeTheFolder() {
        assertThatThrownBy(() -> loader().environment("../../etc/passwd").load())
                .hasMessageContaining("--env / LAKEFORGE_ENV: expected an environment name");
    }

    @Test
    void missingConfFileIsAnError() {
        assertThatThrownBy(() -> loader().confFile(home.resolve("nope.conf")).load())
                .hasMessageContaining("--conf: expected a readable HOCON file")
                .hasMessageContaining("nope.conf");
    }

    @Test
    void syntaxErrorNamesTheFile() throws IOException {
        write("conf/application.conf", "lakeforge { spark { master = \n");
        assertThatThrownBy(() -> loader().load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("syntax error in")
                .hasMessageContaining("application.conf");
    }

    @Test
    void malformedSetIsAnError() {
        assertThatThrownBy(() -> loader().overrides(List.of("spark.master")).load())
                .hasMessageContaining("--set: expected key=value");
    }

    @Test
    void unknownKeysWarnWithASuggestion() throws IOException {
        write("conf/application.conf", "lakeforge.spark.shuffle-partitons = 4\nlakeforge.spark.conf.\"spark.x\" = 1");
        LoadedConfig loaded = loader().load();
        assertThat(loaded.warnings()).singleElement().asString()
                .contains("lakeforge.spark.shuffle-partitons").contains("did you mean lakeforge.spark.shuffle-partitions?");
    }

    @Test
    void envVariableNamesMapToKeys() {
        assertThat(ConfigLoader.envNameToPath("LAKEFORGE_SPARK_SHUFFLE__PARTITIONS")).isEqualTo("lakeforge.spark.shuffle-partitions");
        assertThat(ConfigLoader.envNameToPath("LAKEFORGE_LAKEHOUSE_ROOT")).isEqualTo("lakeforge.lakehouse.root");
    }

    @Test
    void shippedConfigurationFilesLoad() {
        Path project = Path.of(System.getProperty("test.project.dir", "..")).toAbsolutePath();
        for (String env : List.of("dev", "prod")) {
            Map<String, String> vars = Map.of("LAKEFORGE_SERVING_PASSWORD", "pw", "LAKEFORGE_METASTORE_PASSWORD", "pw",
                    "LAKEFORGE_SPARK_MASTER_URL", "spark://cluster:7077", "LAKEFORGE_LAKEHOUSE_URI", "hdfs://nn:8020/lake",
                    "LAKEFORGE_SERVING_JDBC_URL", "jdbc:postgresql://db:5432/lakeforge",
                    "LAKEFORGE_METASTORE_JDBC_URL", "jdbc:postgresql://db:5432/metastore");
            LoadedConfig loaded = ConfigLoader.create().home(project).envVars(vars).systemProperties(new Properties())
                    .environment(env).load();
            assertThat(loaded.config().environment()).isEqualTo(env);
            assertThat(loaded.warnings()).as("warnings of " + env).isEmpty();
            assertThat(dev.lakeforge.ingest.SourceCatalog.from(loaded.config()).names())
                    .contains("customers", "products", "sales_orders", "order_lines", "interactions", "eu_stock_markets");
        }
    }
}
