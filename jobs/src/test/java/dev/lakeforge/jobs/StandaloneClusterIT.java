package dev.lakeforge.jobs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline on a real Spark standalone cluster: a Spark home assembled from the project's own dependency jars
 * ({@code target/spark-home/jars}, profile {@code cluster}), a Master and two Workers on 127.0.0.1, the slim jar
 * submitted with {@code SparkSubmit --master spark://…} as a data platform team would, one run date, then the gold and
 * published tables checked. Every process started here is stopped by PID — with its children (the executors) — also
 * when the test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneClusterIT {
    private static final Path SPARK_HOME = Path.of(System.getProperty("test.spark.home", "target/spark-home")).toAbsolutePath();
    private static final Path SLIM = Path.of(System.getProperty("test.slim.jar", "target/lakeforge-jobs-slim.jar")).toAbsolutePath();
    private static final Path PROJECT = Path.of(System.getProperty("test.project.dir", "..")).toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "cluster-it").toAbsolutePath();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final List<Process> started = new ArrayList<>();
    private int masterPort;

    @BeforeAll
    void startCluster() throws Exception {
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        assertThat(SPARK_HOME.resolve("jars")).as("the Spark home the cluster profile assembles").isDirectoryContaining("glob:**/spark-core_2.13-*.jar");
        Files.createDirectories(SPARK_HOME.resolve("conf"));
        masterPort = freePort();
        Process master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(masterPort), "--webui-port", String.valueOf(freePort())), "512m");
        awaitLog(master, "master", "I have been elected leader");
        for (int i = 1; i <= 2; i++) {
            Path workDir = Files.createDirectories(WORK.resolve("worker-" + i));
            Process worker = start("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                    "--memory", "2g", "--work-dir", workDir.toString(), "--webui-port", String.valueOf(freePort()), masterUrl()), "512m");
            awaitLog(worker, "worker-" + i, "Successfully registered with master");
        }
    }

    @AfterAll
    void stopCluster() {
        // newest first: workers (and their executors) before the master
        for (int i = started.size() - 1; i >= 0; i--) {
            Process p = started.get(i);
            List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
            tree.add(p.toHandle());
            tree.forEach(ProcessHandle::destroy);
            for (ProcessHandle h : tree) {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            }
        }
        assertThat(started).allSatisfy(p -> assertThat(p.isAlive()).as("process " + p.pid() + " stopped").isFalse());
    }

    @Test
    void thePipelineRunsOnTheClusterAndPublishesGold() throws Exception {
        Path lakehouse = WORK.resolve("lakehouse");
        List<String> cmd = new ArrayList<>(javaCommand("2g"));
        cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl(), "--deploy-mode", "client",
                "--conf", "spark.executor.memory=1g", "--conf", "spark.executor.cores=1",
                "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", jvmFlags()),
                "--conf", "spark.sql.shuffle.partitions=4",
                "--class", "dev.lakeforge.jobs.LakeforgeCli", SLIM.toString(),
                "pipeline", "--conf", PROJECT.resolve("conf/application.conf").toString(), "--run-date", "2024-07-03",
                "--set", "lakehouse.root=" + lakehouse, "--set", "pipeline.stages=[ingest, refine, marts, predict, plan, publish]"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(WORK.resolve("submit.log").toFile());
        pb.environment().putAll(clusterEnv());
        pb.environment().put("LAKEFORGE_HOME", PROJECT.toString());
        Process submit = pb.start();
        started.add(submit);
        boolean done = submit.waitFor(25, TimeUnit.MINUTES);
        String log = Files.readString(WORK.resolve("submit.log"), StandardCharsets.UTF_8);
        assertThat(done).as("the pipeline finished within 25 minutes:\n" + tail(log)).isTrue();
        assertThat(submit.exitValue()).as(tail(log)).isZero();
        assertThat(log).contains("pipeline SUCCEEDED").contains(masterUrl());

        // executors ran on both workers (their logs are under each worker's work dir)
        for (int i = 1; i <= 2; i++) {
            try (Stream<Path> files = Files.walk(WORK.resolve("worker-" + i))) {
                assertThat(files.filter(f -> f.getFileName().toString().equals("stderr")).toList())
                        .as("an executor of worker-" + i).isNotEmpty();
            }
        }
        // the gold tables reached the serving database, each with rows
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + lakehouse.resolve("serving/lakeforge.db") + "?open_mode=1");
             ResultSet rs = c.createStatement().executeQuery("SELECT table_name, MAX(row_count) FROM data_dictionary GROUP BY table_name")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
        }
        assertThat(rows).containsKeys("sales_daily", "product_demand_weekly", "market_daily", "churn_scores", "customer_segments",
                "product_recommendations", "demand_forecast", "production_plan");
        assertThat(rows.values()).allMatch(n -> n > 0);
        assertThat(rows.get("sales_daily")).isEqualTo(22_178L); // as on one machine (README quick start)
    }

    private String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    private Process start(String name, List<String> mainAndArgs, String heap) throws IOException {
        List<String> cmd = new ArrayList<>(javaCommand(heap));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(WORK.resolve(name + ".log").toFile());
        pb.environment().putAll(clusterEnv());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** SPARK_HOME for the workers to find the jars executors start with; the Scala version; loopback only. */
    private static Map<String, String> clusterEnv() {
        return Map.of("SPARK_HOME", SPARK_HOME.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1",
                "SPARK_LOG_DIR", WORK.toString(), "SPARK_CONF_DIR", SPARK_HOME.resolve("conf").toString());
    }

    private static List<String> javaCommand(String heap) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(jvmFlags());
        cmd.add("-cp");
        cmd.add(SPARK_HOME.resolve("jars") + "/*");
        return cmd;
    }

    private static List<String> jvmFlags() {
        try {
            return Files.readAllLines(PROJECT.resolve("bin/jvm-flags.txt")).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new IllegalStateException("bin/jvm-flags.txt", e);
        }
    }

    private void awaitLog(Process p, String name, String line) throws Exception {
        Path log = WORK.resolve(name + ".log");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (text.contains(line)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited with " + p.exitValue() + " before '" + line + "':\n" + tail(text));
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " did not log '" + line + "' within " + START_TIMEOUT + ":\n" + tail(Files.readString(log)));
    }

    private static String tail(String text) {
        return text.length() > 6000 ? "…" + text.substring(text.length() - 6000) : text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
