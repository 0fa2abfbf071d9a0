package dev.lakeforge.runs;

import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SparkExtension.class)
class JobRunnerTest {
    private static final LocalDate DAY = LocalDate.of(2024, 3, 1);

    @Test
    void successfulRunIsRecordedWithTablesAndMetrics(TestLakehouse t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobRunner runner = new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(out, true, StandardCharsets.UTF_8));
        RunRecord record = runner.run("ingest", DAY, run -> {
            run.read("bronze.orders", 3, 120);
            run.wrote("silver.orders", 4, 118);
            run.count("rows_rejected", 2);
        });

        assertThat(record.status()).isEqualTo(RunStatus.SUCCEEDED);
        List<Row> rows = runner.store().recent(10, Optional.empty());
        assertThat(rows).hasSize(1);
        Row r = rows.get(0);
        assertThat(r.<String>getAs("run_id")).isEqualTo(record.runId()).startsWith("ingest-");
        assertThat(r.<String>getAs("job")).isEqualTo("ingest");
        assertThat(r.<java.sql.Date>getAs("run_date").toLocalDate()).isEqualTo(DAY);
        assertThat(r.<String>getAs("status")).isEqualTo("SUCCEEDED");
        assertThat(r.<String>getAs("error_message")).isNull();
        assertThat(r.<String>getAs("config_hash")).isEqualTo(t.loaded().hash());
        assertThat(r.<String>getAs("project_version")).isNotBlank().isNotEqualTo("unknown");
        assertThat(r.<java.sql.Timestamp>getAs("ended_at")).isAfterOrEqualTo(r.<java.sql.Timestamp>getAs("started_at"));
        assertThat(runner.store().versionsWritten(r)).isEqualTo(Map.of("silver.orders", 4L));
        List<Row> tables = r.getList(r.fieldIndex("tables"));
        assertThat(tables).extracting(x -> x.getString(0) + ":" + x.getString(1) + ":" + x.getLong(2) + ":" + x.getLong(3))
                .containsExactly("bronze.orders:READ:3:120", "silver.orders:WRITE:4:118");
        assertThat(r.<scala.collection.Map<String, Long>>getAs("metrics").get("rows_rejected").get()).isEqualTo(2L);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ingest SUCCEEDED").contains("silver.orders").contains("rows_rejected=2");
    }

    @Test
    void twoRunsOfTheSameJobAndDateStartedTogetherOneRunsTheOtherFailsAtOnce(TestLakehouse t) throws Exception {
        JobRunner runner = new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream()));
        java.util.concurrent.CountDownLatch firstIsIn = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch secondIsDone = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger bodies = new java.util.concurrent.atomic.AtomicInteger();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> runner.run("refine", DAY, run -> {
                bodies.incrementAndGet();
                firstIsIn.countDown();
                // hold the lock until the second run has tried
                secondIsDone.await(60, java.util.concurrent.TimeUnit.SECONDS);
                run.wrote("silver.orders", 1, 10);
            }));
            firstIsIn.await(60, java.util.concurrent.TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            RunRecord second = runner.run("refine", DAY, run -> bodies.incrementAndGet());
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            secondIsDone.countDown();
            RunRecord winner = first.get(60, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(winner.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(second.status()).isEqualTo(RunStatus.FAILED);
            assertThat(second.errorMessage()).contains("Another refine run for 2024-03-01 is running: run " + winner.runId())
                    .contains("This run did nothing");
            assertThat(bodies.get()).as("the second run's body never ran").isEqualTo(1);
            assertThat(waitedMs).as("it failed fast instead of waiting").isLessThan(30_000);
            // both attempts are on record; the lock is free again
            assertThat(runner.store().all().count()).isEqualTo(2);
            assertThat(runner.run("refine", DAY, run -> { }).status()).isEqualTo(RunStatus.SUCCEEDED);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRunThatDiedHoldingItsLockIsRecordedAsFailedByTheNextRun(TestLakehouse t) throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        java.nio.file.Path lock = java.nio.file.Path.of(t.lakehouse().root().replaceFirst("^file:", ""), "_locks", "publish@" + DAY + ".lock");
        java.nio.file.Files.createDirectories(lock.getParent());
        java.nio.file.Files.writeString(lock, "{\"run_id\":\"publish-killed\",\"job\":\"publish\",\"run_date\":\"" + DAY + "\",\"host\":\""
                + java.net.InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + dead.pid() + ",\"started_at\":\"2024-03-01T02:00:00Z\""
                // it had itself taken over the lock of an earlier run, and died before it recorded that one
                + ",\"replaced\":[{\"run_id\":\"publish-killed-earlier\",\"job\":\"publish\",\"run_date\":\"" + DAY
                + "\",\"host\":\"elsewhere\",\"pid\":1,\"started_at\":\"2024-03-01T01:00:00Z\"}]}");
        JobRunner runner = new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream()));
        RunRecord next = runner.run("publish", DAY, run -> { });
        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        Row killed = runner.store().byId("publish-killed").orElseThrow();
        assertThat(killed.<String>getAs("status")).isEqualTo("FAILED");
        assertThat(killed.<String>getAs("error_message")).contains("ended without finishing").contains(next.runId());
        Row earlier = runner.store().byId("publish-killed-earlier").orElseThrow();
        assertThat(earlier.<String>getAs("status")).isEqualTo("FAILED");
        assertThat(earlier.<String>getAs("error_message")).contains("ended without finishing");
        assertThat(java.nio.file.Files.exists(lock)).as("released").isFalse();
    }

    @Test
    void aBackfillReadsEachTableAtItsLastVersionBeforeRunsForLaterDates(TestLakehouse t) {
        JobRunner runner = new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream()));
        runner.run("refine", DAY, run -> {
            run.wrote("silver.a", 1, 10);
            run.wrote("silver.a", 2, 12);
        });
        runner.run("refine", DAY.plusDays(1), run -> {
            run.read("silver.a", 2, 12);
            run.wrote("silver.a", 3, 15);
            run.wrote("silver.b", 0, 5);
            run.wrote("gold.c", 7, 1);
        });
        runner.run("maintain", DAY.plusDays(9), run -> run.wrote("silver.a", 4, 15));
        runner.run("refine", DAY, run -> run.wrote("silver.a", 5, 15));

        RunRecordStore store = runner.store();
        assertThat(store.versionsBeforeLaterRuns(DAY, "silver.", java.util.Set.of("maintain")))
                .as("silver.a as after the first day, silver.b not there yet; gold and maintenance left out")
                .isEqualTo(Map.of("silver.a", 2L, "silver.b", -1L));
        assertThat(store.versionsBeforeLaterRuns(DAY, "silver.", java.util.Set.of())).containsEntry("silver.a", 2L);
        assertThat(store.versionsBeforeLaterRuns(DAY.plusDays(1), "silver.", java.util.Set.of("maintain"))).isEmpty();
        assertThat(store.versionsBeforeLaterRuns(DAY.plusDays(1), "silver.", java.util.Set.of())).isEqualTo(Map.of("silver.a", 3L));
    }

    @Test
    void failedRunIsRecordedWithItsErrorAndSecretsAreRedacted(TestLakehouse t) {
        JobRunner runner = new JobRunner(t.lakehouse(), t.loaded()).out(new PrintStream(new ByteArrayOutputStream()));
        RunRecord ok = runner.run("refine", DAY, run -> { });
        RunRecord failed = runner.run("refine", DAY.plusDays(1), run -> {
            throw new IllegalStateException("source went away", new RuntimeException("root cause"));
        });

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.errorMessage()).contains("IllegalStateException: source went away").contains("root cause");
        List<Row> rows = runner.store().recent(10, Optional.of("refine"));
        assertThat(rows).extracting(r -> r.<String>getAs("status")).containsExactlyInAnyOrder("SUCCEEDED", "FAILED");
        assertThat(runner.store().byId(failed.runId())).get()
                .satisfies(r -> assertThat(r.<String>getAs("error_message")).contains("source went away"));
        assertThat(runner.store().byId(ok.runId())).isPresent();
    }

    @Test
    void secretsNeverReachTheRunRecord() {
        TestLakehouse t = SparkExtension.newLakehouse();
        var loaded = dev.lakeforge.config.ConfigLoader.create().home(t.root())
                .envVars(Map.of("LAKEFORGE_SERVING_PASSWORD", "Sup3rS3cret!"))
                .systemProperties(new java.util.Properties())
                .overrides(List.of("lakehouse.root=" + t.root(), "metastore.type=in-memory")).load();
        JobRunner runner = new JobRunner(t.lakehouse(), loaded).out(new PrintStream(new ByteArrayOutputStream()));
        RunRecord failed = runner.run("publish", DAY, run -> {
            throw new IllegalStateException("login failed for password Sup3rS3cret!");
        });
        assertThat(failed.errorMessage()).contains("login failed").doesNotContain("Sup3rS3cret!");
        assertThat(runner.store().all().toJSON().collectAsList().toString()).doesNotContain("Sup3rS3cret!");
    }
}
