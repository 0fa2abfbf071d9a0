package dev.lakeforge.jobs;

import dev.lakeforge.runs.CrashPoints;
import dev.lakeforge.runs.RunLock;
import dev.lakeforge.testing.SparkExtension;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety: each step of a day — ingest, refine, marts, predict (training), publish — is started in a JVM of its
 * own from the runnable jar and halted at its riskiest moments, between one commit and the next ({@link CrashPoints},
 * which a random kill seldom hits); the run that recovers from the halt is killed with SIGKILL at a random moment of
 * its work, and the step is then run again to the end. After the last step every table (bronze, silver, quarantine,
 * gold, the serving database) holds exactly what one clean pipeline run of the same stages wrote, run-specific columns (run ids,
 * load times) aside, and the run records show every halted and killed attempt as failed beside the successful ones.
 * The random moments are printed (and can be fixed with {@code -Dcrash.seed=N}).
 */
@ExtendWith(SparkExtension.class)
class CrashSafetyIT {
    private static final Path RUNNABLE = Path.of(System.getProperty("test.runnable.jar"));
    private static final Path PROJECT = Path.of(System.getProperty("test.project.dir")).toAbsolutePath();
    private static final LocalDate RUN_DATE = LocalDate.of(2024, 7, 3);
    private static final List<String> STEPS = List.of("ingest", "refine", "marts", "predict", "publish");
    /** Columns whose values depend on which run wrote the row, not on the data. */
    private static final Set<String> RUN_SPECIFIC = Set.of("run_id", "_run_id", "_ingest_run_id", "_refined_run_id", "_refined_at",
            "_quarantined_at", "_ingest_time", "ingest_time", "model_version");

    /**
     * How a step ended: its exit code (-9 when killed), time, time from taking its run lock to its end, output, and
     * whether it held its run lock when killed.
     */
    record Done(int code, long millis, long workMillis, String output, boolean lockedWhenKilled) {
    }

    private Done step(Path root, String step, long killAfterMillis) throws Exception {
        return step(root, step, killAfterMillis, null);
    }

    /**
     * Runs a step; kills it {@code killAfterMillis} (> 0) after it took its run lock, or lets it halt itself at
     * {@code crashPoint} (non-null).
     */
    private Done step(Path root, String step, long killAfterMillis, String crashPoint, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
        if (crashPoint != null) {
            cmd.add("-D" + CrashPoints.PROPERTY + "=" + crashPoint);
        }
        cmd.addAll(List.of("-jar", RUNNABLE.toString(), step, "--run-date", RUN_DATE.toString(),
                "--set", "lakehouse.root=" + root, "--set", "lakehouse.landing=" + PROJECT.resolve("data/sample"),
                "--set", "spark.shuffle-partitions=2",
                // one business model keeps the test short; the others train and apply the same way
                "--set", "models.business=[\"" + PROJECT.resolve("conf/models/churn.conf") + "\"]"));
        cmd.addAll(List.of(more));
        Path log = Files.createTempFile("lakeforge-crash-" + step, ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LAKEFORGE_HOME", PROJECT.toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        // the step's own work starts when it takes its run lock (after the JVM and Spark started): kills are timed from there,
        // so that a machine slower or busier than during the clean run still kills the step in the middle of its work
        Path lock = root.resolve("_locks").resolve(step + "@" + RUN_DATE + ".lock");
        // taken by this process: the lock names it as its holder (a run that takes over a halted or killed run's lock rewrites it)
        RunLock locks = RunLock.in(FileSystem.getLocal(new Configuration()).getRaw(), root.toString());
        long lockSeen = -1;
        boolean killed = false;
        boolean locked = false;
        while (p.isAlive()) {
            long now = System.nanoTime();
            if (lockSeen < 0 && locks.holder(step, RUN_DATE).filter(h -> h.pid() == p.pid()).isPresent()) {
                lockSeen = now;
            }
            if (killAfterMillis > 0 && lockSeen > 0 && (now - lockSeen) / 1_000_000 >= killAfterMillis) {
                locked = Files.exists(lock);
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
                p.waitFor(60, TimeUnit.SECONDS);
                killed = true;
                break;
            }
            if ((now - t0) / 1_000_000_000 > 600) {
                p.destroyForcibly();
                throw new AssertionError(step + " did not finish in 10 minutes: " + Files.readString(log));
            }
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
        long end = System.nanoTime();
        long ms = (end - t0) / 1_000_000;
        long workMs = lockSeen > 0 ? (end - lockSeen) / 1_000_000 : ms;
        if (crashPoint != null) {
            locked = Files.exists(lock);
        }
        boolean ended = !killed;
        return new Done(ended ? p.exitValue() : -9, ms, workMs, Files.readString(log), locked);
    }

    @Test
    void killedStepsRunAgainEndAsOneCleanRun() throws Exception {
        Path base = Files.createTempDirectory("lakeforge-crash");
        Path clean = base.resolve("clean");
        Path crashed = base.resolve("crashed");
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("crash.seed=" + seed);

        // the reference: the same steps as the stages of one pipeline run (one JVM instead of five); its stage times
        // place the kills below
        Done reference = step(clean, "pipeline", 0, null, "--set", "pipeline.stages=[" + String.join(", ", STEPS) + "]");
        assertThat(reference.code()).as("the clean pipeline run:\n" + reference.output()).isZero();
        Map<String, Long> cleanMillis = stageTimes(reference.output());
        assertThat(cleanMillis.keySet()).as(reference.output()).containsExactlyElementsOf(STEPS);
        // one lakehouse, each step: halted at its riskiest moments (between one commit and the next, which a random kill
        // seldom hits), then the run that recovers from the halt killed at a random moment, then run to its end
        Map<String, List<String>> points = new LinkedHashMap<>();
        points.put("ingest", List.of(CrashPoints.INGEST_BRONZE_COMMITTED));
        // the second refine finds the quarantine written already
        points.put("refine", List.of(CrashPoints.REFINE_QUARANTINE_WRITTEN, CrashPoints.REFINE_SILVER_COMMITTED));
        points.put("marts", List.of(CrashPoints.MARTS_TABLE_WRITTEN));
        points.put("predict", List.of(CrashPoints.TRAIN_REGISTERED));
        points.put("publish", List.of(CrashPoints.PUBLISH_STAGED));
        int halts = 0;
        int killed = 0;
        int endedHoldingTheLock = 0;
        Map<String, Integer> finished = new LinkedHashMap<>(); // successful runs per step: 2 where the kill came after the end
        for (String s : STEPS) {
            for (String point : points.getOrDefault(s, List.of())) {
                Done d = step(crashed, s, 0, point);
                assertThat(d.code()).as(s + " halted at " + point + ":\n" + d.output()).isEqualTo(CrashPoints.EXIT_CODE);
                assertThat(d.lockedWhenKilled()).as(s + " halted at " + point + " holding its run lock").isTrue();
                halts++;
            }
            // somewhere in the step's own work, timed from when it took its run lock
            long at = (long) (cleanMillis.get(s) * (0.05 + 0.85 * random.nextDouble()));
            // a kill before this run recorded the halted one leaves that record to the next run (the lock file passes it on)
            Done d = step(crashed, s, at);
            System.out.printf("%s: killed %d ms into its work (the clean pipeline's stage took %d ms)%s%n", s, at, cleanMillis.get(s),
                    d.code() == -9 ? "" : " — it had already ended with " + d.code());
            killed += d.code() == -9 ? 1 : 0;
            endedHoldingTheLock += d.lockedWhenKilled() ? 1 : 0;
            finished.put(s, d.code() == 0 ? 2 : 1);
            Done again = step(crashed, s, 0);
            assertThat(again.code()).as(s + " after the halt and the kill:\n" + again.output()).isZero();
        }
        assertThat(halts).isEqualTo(6);
        assertThat(killed).as("at least most steps were killed while they ran").isGreaterThanOrEqualTo(3);
        assertEndsAsTheCleanRun(clean, crashed, halts + endedHoldingTheLock, finished);
    }

    /** Stage → milliseconds from the pipeline's "Stage times: ingest 60.1 s, refine 85.8 s, …" line. */
    private static Map<String, Long> stageTimes(String pipelineOutput) {
        Map<String, Long> out = new LinkedHashMap<>();
        String line = pipelineOutput.lines().filter(l -> l.startsWith("Stage times: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no stage times in:\n" + pipelineOutput));
        for (String part : line.substring("Stage times: ".length()).split(", ")) {
            String[] f = part.trim().split(" ");
            out.put(f[0], Math.round(Double.parseDouble(f[1]) * 1000));
        }
        return out;
    }

    /** Every table of {@code crashed} holds what the clean run wrote; the run records show each killed attempt. */
    private void assertEndsAsTheCleanRun(Path clean, Path crashed, int killedHoldingTheLock, Map<String, Integer> finished) throws Exception {
        SparkSession spark = SparkExtension.spark();
        List<String> tables = deltaTables(clean);
        assertThat(tables).contains("bronze/order_lines", "silver/customers", "quarantine/order_lines", "gold/sales_daily", "gold/churn_scores");
        assertThat(deltaTables(crashed)).containsExactlyInAnyOrderElementsOf(tables);
        for (String t : tables) {
            Dataset<Row> a = comparable(spark.read().format("delta").load(clean.resolve(t).toString()));
            Dataset<Row> b = comparable(spark.read().format("delta").load(crashed.resolve(t).toString()));
            assertThat(b.count()).as(crashed.getFileName() + " " + t + " rows").isEqualTo(a.count());
            assertThat(b.exceptAll(a).count()).as(t + ": rows only after the crashes").isZero();
            assertThat(a.exceptAll(b).count()).as(t + ": rows lost to the crashes").isZero();
        }
        // every landing file ingested exactly once
        Dataset<Row> ledger = spark.read().format("delta").load(crashed.resolve("ops/ingest_ledger").toString())
                .where(col("status").equalTo("INGESTED"));
        assertThat(ledger.groupBy("source", "checksum").count().where(col("count").gt(1)).count()).isZero();

        // the serving database: the same tables, the same rows, no staging table left behind
        Map<String, Long> cleanServing = serving(clean);
        assertThat(serving(crashed)).isEqualTo(cleanServing);
        assertThat(cleanServing).containsKey("churn_scores");

        // the run records: every killed attempt is there as failed, next to the run that finished it
        Dataset<Row> runs = spark.read().format("delta").load(crashed.resolve("ops/job_runs").toString());
        for (String s : STEPS) {
            assertThat(runs.where(col("job").equalTo(s).and(col("status").equalTo("SUCCEEDED"))).count()).as(s + " succeeded once")
                    .isEqualTo((long) finished.getOrDefault(s, 1));
        }
        assertThat(runs.where(col("status").equalTo("FAILED").and(col("error_message").contains("ended without finishing"))).count())
                .as("killed attempts recorded by the run that took over their lock").isEqualTo(killedHoldingTheLock);
    }

    /** Tables under the root (folders with a Delta log), as layer/name; run records and ops tables aside. */
    private static List<String> deltaTables(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (String layer : List.of("bronze", "silver", "quarantine", "gold")) {
            Path dir = root.resolve(layer);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).forEach(p -> out.add(layer + "/" + p.getFileName()));
            }
        }
        out.sort(String::compareTo);
        return out;
    }

    private static Dataset<Row> comparable(Dataset<Row> df) {
        Column[] keep = Arrays.stream(df.columns()).filter(c -> !RUN_SPECIFIC.contains(c)).map(c -> col("`" + c + "`")).toArray(Column[]::new);
        return df.select(keep);
    }

    /** Table → rows in the serving database (SQLite inside the lakehouse). */
    private static Map<String, Long> serving(Path root) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("serving/lakeforge.db"));
             Statement st = c.createStatement()) {
            Set<String> names = new TreeSet<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String n : names) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM \"" + n.replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    out.put(n, rs.getLong(1));
                }
            }
        }
        return out;
    }
}
