package dev.lakeforge.jobs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks the two jars the build produces (runs after `package`, in `verify`). */
class PackagedJarsIT {
    private static final Path RUNNABLE = Path.of(System.getProperty("test.runnable.jar"));
    private static final Path SLIM = Path.of(System.getProperty("test.slim.jar"));

    @Test
    void slimJarHasLakeforgeAndDeltaButNoSparkScalaOrHadoop() throws Exception {
        try (JarFile jar = new JarFile(SLIM.toFile())) {
            List<String> names = Collections.list(jar.entries()).stream().map(e -> e.getName()).toList();
            assertThat(names).contains("dev/lakeforge/jobs/LakeforgeCli.class", "dev/lakeforge/config/ConfigLoader.class",
                    "reference.conf", "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister");
            assertThat(names).anyMatch(n -> n.startsWith("io/delta/tables/"));
            // Delta keeps some of its own classes in Spark's packages; every such class must come from a Delta jar.
            java.util.Set<String> deltaEntries = new java.util.HashSet<>();
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (entry.contains("/io/delta/") && entry.endsWith(".jar")) {
                    try (JarFile delta = new JarFile(entry)) {
                        Collections.list(delta.entries()).forEach(e -> deltaEntries.add(e.getName()));
                    }
                }
            }
            assertThat(deltaEntries).isNotEmpty();
            assertThat(names.stream().filter(n -> n.startsWith("org/apache/spark/") && n.endsWith(".class")))
                    .allMatch(deltaEntries::contains);
            assertThat(names).doesNotContain("org/apache/spark/SparkContext.class", "org/apache/spark/sql/Dataset.class",
                    "org/apache/spark/sql/classic/SparkSession.class", "org/apache/spark/ml/Pipeline.class");
            assertThat(names).noneMatch(n -> n.startsWith("scala/"));
            assertThat(names).noneMatch(n -> n.startsWith("org/apache/hadoop/"));
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.lakeforge.jobs.LakeforgeCli");
        }
    }

    @Test
    void runnableJarMergesServiceFilesAndOpensModules() throws IOException {
        try (JarFile jar = new JarFile(RUNNABLE.toFile())) {
            String services = new String(jar.getInputStream(jar.getEntry("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(services).contains("org.apache.spark.sql.delta.sources.DeltaDataSource")
                    .contains("org.apache.spark.sql.execution.datasources.v2.parquet.ParquetDataSourceV2");
            assertThat(jar.getManifest().getMainAttributes().getValue("Add-Opens")).contains("java.base/sun.nio.ch");
        }
    }

    @Test
    void runnableJarStartsWithJavaJarAndNoExtraFlags() throws Exception {
        Result help = java("-jar", RUNNABLE.toString(), "--help");
        assertThat(help.code).as(help.output).isZero();
        assertThat(help.output).contains("Usage: lakeforge").contains("pipeline");
        Result bad = java("-jar", RUNNABLE.toString(), "config", "--set", "spark.master=nowhere");
        assertThat(bad.code).isEqualTo(2);
        assertThat(bad.output).contains("lakeforge.spark.master: expected a Spark master URL");
    }

    /**
     * The catalog on an external PostgreSQL metastore (DataNucleus creating tables and columns but no constraints), from
     * the runnable jar: publish registers a table with its comments, {@code lakeforge sql} reads them back in a new JVM.
     * Needs the throwaway server of {@code .ci/postgres.sh} (skipped without it, unless LAKEFORGE_TEST_PG_REQUIRED=1).
     */
    @Test
    void publishRegistersTablesInAPostgresMetastore() throws Exception {
        String url = System.getenv("LAKEFORGE_TEST_PG_METASTORE_URL");
        if (url == null && "1".equals(System.getenv("LAKEFORGE_TEST_PG_REQUIRED"))) {
            throw new AssertionError("LAKEFORGE_TEST_PG_REQUIRED=1 but LAKEFORGE_TEST_PG_METASTORE_URL is not set (.ci/postgres.sh start)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(url != null, "no PostgreSQL server (.ci/postgres.sh start)");
        Path lake = Files.createTempDirectory("lakeforge-it-lake");
        String db = "gold_it_" + Long.toHexString(System.nanoTime());
        Path conf = lake.resolve("it.conf");
        Files.writeString(conf, """
                lakeforge.publish {
                  catalog.database = "%s"
                  serving.enabled = false
                  tables.job_runs { source = "ops.job_runs", description = "Every job run", optional = true,
                                    columns { run_id = "Run id, unique per invocation", status = "SUCCEEDED, FAILED or RUNNING" } }
                }
                """.formatted(db));
        List<String> common = List.of("--conf", conf.toString(), "--set", "lakehouse.root=" + lake.resolve("lakehouse"),
                "--set", "metastore.type=jdbc", "--set", "metastore.jdbc.url=\"" + url + "\"",
                "--set", "metastore.jdbc.user=" + System.getenv("LAKEFORGE_TEST_PG_USER"),
                "--set", "spark.master=\"local[2]\"", "--set", "spark.conf.\"spark.ui.enabled\"=false");
        java.util.Map<String, String> env = java.util.Map.of("LAKEFORGE_METASTORE_PASSWORD", System.getenv("LAKEFORGE_TEST_PG_PASSWORD"));
        // the first run has nothing to register yet (its own run record is written at its end)
        Result first = javaWithEnv(env, concat(List.of("-jar", RUNNABLE.toString(), "publish"), common));
        assertThat(first.code).as(first.output).isZero();
        Result second = javaWithEnv(env, concat(List.of("-jar", RUNNABLE.toString(), "publish"), common));
        assertThat(second.code).as(second.output).isZero();
        assertThat(second.output).contains("catalog " + db + ".job_runs").contains("registered");
        Result described = javaWithEnv(env, concat(List.of("-jar", RUNNABLE.toString(), "sql", "DESCRIBE TABLE " + db + ".job_runs",
                "--format", "csv"), common));
        assertThat(described.code).as(described.output).isZero();
        assertThat(described.output).contains("run_id,string,\"Run id, unique per invocation\"");
    }

    private static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }

    record Result(int code, String output) {
    }

    static Result java(String... args) throws Exception {
        return javaWithEnv(java.util.Map.of(), args);
    }

    static Result javaWithEnv(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("lakeforge-it", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
