package dev.lakeforge.jobs;

import dev.lakeforge.runs.JobRun;
import dev.lakeforge.runs.RunRecordStore;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SparkExtension.class)
class LakeforgeCliTest {

    @Command(name = "boom", description = "A job that fails (test only).")
    static final class FailingJob extends JobCommand {
        @Override
        protected String jobName() {
            return "boom";
        }

        @Override
        protected void run(JobContext context, JobRun run) {
            run.count("rows_in", 7);
            throw new IllegalStateException("the source system is down");
        }
    }

    @Test
    void helpExitsZeroOnEveryCommand() {
        assertThat(CliRunner.raw(cl -> { }, "--help").exitCode()).isZero();
        for (String command : LakeforgeCli.commandLine().getSubcommands().keySet()) {
            CliRunner.Result r = CliRunner.raw(cl -> { }, command, "--help");
            assertThat(r.exitCode()).as(command + " --help").isZero();
            assertThat(r.out()).as(command + " --help").contains("Usage:");
        }
    }

    @Test
    void versionNamesSparkAndDelta() {
        CliRunner.Result r = CliRunner.raw(cl -> { }, "--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("lakeforge 0.").contains("Spark 4.1.0").contains("Delta Lake 4.3.1");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(CliRunner.raw(cl -> { }, "no-such-command").exitCode()).isEqualTo(2);
        assertThat(CliRunner.raw(cl -> { }).exitCode()).isEqualTo(2);
        assertThat(CliRunner.raw(cl -> { }, "config", "--no-such-option").exitCode()).isEqualTo(2);
        CliRunner.Result badDate = CliRunner.raw(cl -> { }, "pipeline", "--run-date", "2024-13-45");
        assertThat(badDate.exitCode()).isEqualTo(2);
        assertThat(badDate.err()).contains("'2024-13-45' is not a date YYYY-MM-DD");
    }

    @Test
    void configurationErrorsExitTwoBeforeSparkWork(TestLakehouse t) {
        CliRunner.Result r = CliRunner.run(t, "pipeline", "--set", "retry.max-attempts=many");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("lakeforge.retry.max-attempts: expected an integer from 1 to 100, found \"many\"");
        assertThat(new RunRecordStore(t.lakehouse(), TableName.parse("ops.job_runs")).all().count()).isZero();
    }

    @Test
    void businessModelAndPlanProblemsAreNamed(TestLakehouse t) {
        CliRunner.Result none = CliRunner.run(t, "predict");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("lakeforge.models.business: expected model spec files with an apply block");

        String churn = java.nio.file.Path.of(System.getProperty("test.project.dir", "..")).toAbsolutePath().normalize()
                .resolve("conf/models/churn.conf").toString();
        CliRunner.Result unknown = CliRunner.run(t, "predict", "--set", "models.business=[\"" + churn + "\"]", "--model", "nope");
        assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(2);
        assertThat(unknown.err()).contains("--model: expected names of business models").contains("[nope]");

        CliRunner.Result order = CliRunner.run(t, "pipeline", "--set", "pipeline.stages=[refine, ingest]");
        assertThat(order.exitCode()).isEqualTo(2);
        assertThat(order.err()).contains("lakeforge.pipeline.stages").contains("in the order [ingest, refine, marts, predict, plan, publish, docs]");

        CliRunner.Result plan = CliRunner.run(t, "plan", "--run-date", "2024-07-03");
        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.all()).contains("needs gold.demand_forecast, which does not exist yet");
    }

    @Test
    void publishAndSqlFromTheCommandLine(TestLakehouse t) throws Exception {
        String table = "cli_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        t.spark().range(1, 6).selectExpr("id", "CAST(id * 1.5 AS DECIMAL(8,2)) AS amount").write().format("delta")
                .save(t.lakehouse().path(TableName.of("gold", table)));
        String conf = """
                lakeforge.publish {
                  catalog.database = "gold_%1$s"
                  tables.%1$s { source = "gold.%1$s", description = "CLI test table", keys = [id], columns { id = "Row", amount = "Amount" } }
                }
                """.formatted(table);
        CliRunner.Result published = CliRunner.runWithConf(t, conf, "publish");
        assertThat(published.exitCode()).as(published.all()).isZero();
        assertThat(published.out()).containsPattern("publish " + table + " +published +5 rows").contains("publish SUCCEEDED");
        java.nio.file.Path db = java.nio.file.Path.of(t.loaded().config().lakehouse().root(), "serving", "lakeforge.db");
        assertThat(db).exists();
        CliRunner.Result again = CliRunner.runWithConf(t, conf, "publish");
        assertThat(again.out()).containsPattern("publish " + table + " +unchanged +5 rows");
        CliRunner.Result unknown = CliRunner.runWithConf(t, conf, "publish", "--table", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--table: expected names of published tables").contains(table);

        CliRunner.Result csv = CliRunner.run(t, "sql", "SELECT id, amount FROM gold_" + table + "." + table + " WHERE id <= 2 ORDER BY id",
                "--format", "csv");
        assertThat(csv.exitCode()).as(csv.all()).isZero();
        assertThat(csv.out()).contains("id,amount\n1,1.50\n2,3.00\n");
        CliRunner.Result json = CliRunner.run(t, "sql", "SELECT COUNT(*) AS n FROM gold." + table, "--format", "json");
        assertThat(json.out()).contains("{\"n\":5}");
        CliRunner.Result limited = CliRunner.run(t, "sql", "SELECT id FROM gold." + table + " ORDER BY id", "--limit", "2");
        assertThat(limited.out()).contains("(2 rows)");
        assertThat(limited.err()).contains("more rows than --limit 2");
        CliRunner.Result drop = CliRunner.run(t, "sql", "DROP TABLE gold." + table);
        assertThat(drop.exitCode()).isEqualTo(2);
        assertThat(drop.err()).contains("queries only");
        assertThat(t.lakehouse().read(TableName.of("gold", table)).count()).isEqualTo(5);
    }

    @Test
    void aSqlSessionAnswersOneJsonLinePerRequestAndGoesOnAfterABadOne(TestLakehouse t) throws Exception {
        String table = "sess_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        TableName name = TableName.of("gold", table);
        t.spark().range(1, 6).selectExpr("id", "CAST(id * 1.5 AS DECIMAL(8,2)) AS amount", "IF(id = 3, NULL, 'x') AS note")
                .write().format("delta").save(t.lakehouse().path(name));
        String requests = String.join("\n",
                "{\"sql\": \"SELECT id, amount, note FROM gold." + table + " WHERE id <= 3\\nORDER BY id\"}",
                "",
                "{\"sql\": \"SELECT id FROM gold." + table + " ORDER BY id\", \"limit\": 2}",
                "{\"sql\": \"DROP TABLE gold." + table + "\"}",
                "{\"sql\": \"SELECT nope FROM gold." + table + "\"}",
                "not json",
                "{\"query\": \"SELECT 1\"}",
                "{\"sql\": \"SELECT 1 AS one\", \"limit\": 0}",
                "{\"sql\": \"SELECT 1 AS one\", \"limit\": \"5\"}",
                "{\"sql\": \"SELECT COUNT(*) AS n FROM gold." + table + " WHERE id > 9\"}") + "\n";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int code = SqlCommand.session(t.lakehouse(), new java.io.BufferedReader(new java.io.StringReader(requests)),
                new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8), 100);
        assertThat(code).isZero();
        List<com.fasterxml.jackson.databind.JsonNode> answers = new java.util.ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String[] lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
        for (String line : lines) {
            answers.add(json.readTree(line));
        }
        assertThat(answers).as("one answer per request, the blank line skipped").hasSize(9);
        assertThat(lines[0]).isEqualTo("{\"ok\":true,\"columns\":[\"id\",\"amount\",\"note\"],\"truncated\":false,"
                + "\"rows\":[{\"id\":1,\"amount\":1.50,\"note\":\"x\"},{\"id\":2,\"amount\":3.00,\"note\":\"x\"},{\"id\":3,\"amount\":4.50,\"note\":null}]}");
        assertThat(answers.get(1).get("rows")).hasSize(2);
        assertThat(answers.get(1).get("truncated").asBoolean()).isTrue();
        assertThat(answers.get(2).get("ok").asBoolean()).isFalse();
        assertThat(answers.get(2).get("error").asText()).contains("queries only");
        assertThat(answers.get(3).get("error").asText()).contains("nope");
        assertThat(answers.get(4).get("error").asText()).startsWith("not a JSON request");
        assertThat(answers.get(5).get("error").asText()).contains("non-empty \"sql\" string");
        assertThat(answers.get(6).get("error").asText()).contains("limit 0: expected 1 to 1000000");
        assertThat(answers.get(7).get("error").asText()).contains("\"limit\" must be a whole number");
        assertThat(lines[8]).isEqualTo("{\"ok\":true,\"columns\":[\"n\"],\"truncated\":false,\"rows\":[{\"n\":0}]}");
        assertThat(t.lakehouse().read(name).count()).as("the refused DROP changed nothing").isEqualTo(5);

        CliRunner.Result both = CliRunner.run(t, "sql", "SELECT 1", "--session");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--session reads its queries from standard input");
    }

    @Test
    void qualityGateExitsOneWhenTheRunDateIsNotGoodEnough(TestLakehouse t) {
        java.time.LocalDate day = java.time.LocalDate.of(2024, 7, 2);
        CliRunner.Result nothing = CliRunner.run(t, "quality-gate", "--run-date", day.toString());
        assertThat(nothing.exitCode()).isEqualTo(1);
        assertThat(nothing.out()).contains("no quality results for run date 2024-07-02");
        new dev.lakeforge.quality.QualityResults(t.lakehouse()).append("r1", day, List.of(new dev.lakeforge.quality.QualityResults.Result(
                "silver.orders", "required:id", "required", "quarantine", false, 8, 100, null)), null, 0);
        CliRunner.Result failed = CliRunner.run(t, "quality-gate", "--run-date", day.toString());
        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED silver.orders").contains("refused 8 of 100 rows (8.0% > 5.0%)");
        CliRunner.Result passed = CliRunner.run(t, "quality-gate", "--run-date", day.toString(), "--max-failed-share", "0.1");
        assertThat(passed.exitCode()).as(passed.all()).isZero();
        assertThat(passed.out()).contains("quality gate passed for 2024-07-02");
        assertThat(CliRunner.run(t, "quality-gate", "--max-failed-share", "2").exitCode()).isEqualTo(2);
    }

    @Test
    void cliSpecDescribesEveryCommandAndOption() throws Exception {
        CliRunner.Result r = CliRunner.raw(cl -> { }, "cli-spec");
        assertThat(r.exitCode()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        var commands = json.get("commands");
        assertThat(commands.has("pipeline")).isTrue();
        assertThat(commands.has("help")).isFalse();
        java.util.function.BiFunction<String, String, com.fasterxml.jackson.databind.JsonNode> option = (c, name) -> {
            for (var o : commands.get(c).get("options")) {
                for (var n : o.get("names")) {
                    if (n.asText().equals(name)) {
                        return o;
                    }
                }
            }
            return null;
        };
        assertThat(option.apply("predict", "--apply-only").get("takes_value").asBoolean()).isFalse();
        assertThat(option.apply("quality-gate", "--max-failed-share").get("takes_value").asBoolean()).isTrue();
        assertThat(option.apply("ingest", "--run-date")).as("global options on every command").isNotNull();
        assertThat(option.apply("show", "--table").get("required").asBoolean()).isTrue();
        assertThat(option.apply("sql", "--format").get("choices").toString()).isEqualTo("[\"table\",\"csv\",\"json\"]");
        assertThat(commands.get("sql").get("positional").get("min").asInt()).isZero(); // none with --session
        assertThat(commands.get("ingest").get("positional").get("max").asInt()).isZero();
    }

    @Test
    void configPrintsValuesWithOrigins(TestLakehouse t) {
        CliRunner.Result r = CliRunner.run(t, "config", "--set", "spark.app-name=cli-test");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("lakeforge.spark.app-name = \"cli-test\"    # --set lakeforge.spark.app-name")
                .contains("lakeforge.serving.schema = \"bi\"    # reference.conf")
                .contains("# configuration hash: ");
    }

    @Test
    void configCheckReadsEverythingARunReadsAndNamesEveryProblem(TestLakehouse t) {
        String source = """
                lakeforge.sources.events {
                  format = csv, path = "*/events.csv", schema = "id STRING, kind STRING, at TIMESTAMP"
                  primary-key = [id], event-time = at
                  expectations = [ { name = known_kind, sql = "%s", action = quarantine } ]
                  primry-key = [kind]
                }
                """;
        String[] stages = {"--set", "pipeline.stages=[ingest, refine, marts]"};
        CliRunner.Result ok = CliRunner.runWithConf(t, source.formatted("kind IN ('a', 'b')"), "config", concat("--check", stages));
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        assertThat(ok.out()).contains("configuration is valid").contains("sources            1  events")
                .contains("pipeline stages    3  ingest, refine, marts").doesNotContain("lakeforge.spark.app-name =");
        assertThat(ok.all()).contains("Unknown configuration key lakeforge.sources.events.primry-key")
                .contains("did you mean lakeforge.sources.events.primary-key?");

        CliRunner.Result bad = CliRunner.runWithConf(t, source.formatted("kind IN (SELECT kind FROM silver.secrets)"), "config",
                concat("--check", stages));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("lakeforge.sources.events.expectations[0].sql").contains("without subqueries");
    }

    private static String[] concat(String first, String... rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), java.util.Arrays.stream(rest)).toArray(String[]::new);
    }

    @Test
    void successfulJobExitsZeroAndIsListedByRuns(TestLakehouse t) {
        String conf = "lakeforge.sources.orders { format = csv, path = \"*/orders.csv\", schema = \"id STRING, t TIMESTAMP\","
                + " primary-key = [id], event-time = t }";
        CliRunner.Result r = CliRunner.runWithConf(t, conf, "ingest", "--run-date", "2024-02-01");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("ingest SUCCEEDED");
        CliRunner.Result runs = CliRunner.run(t, "runs", "--limit", "5");
        assertThat(runs.exitCode()).isZero();
        assertThat(runs.out()).contains("ingest").contains("2024-02-01").contains("SUCCEEDED");
        CliRunner.Result noSources = CliRunner.run(t, "pipeline", "--run-date", "2024-02-01");
        assertThat(noSources.exitCode()).isEqualTo(2);
        assertThat(noSources.err()).contains("lakeforge.sources: expected at least one source");
    }

    @Test
    void failedJobExitsOneAndIsRecorded(TestLakehouse t) {
        List<String> argv = new java.util.ArrayList<>(List.of("boom", "--run-date", "2024-02-02",
                "--set", "lakehouse.root=" + t.loaded().config().lakehouse().root(), "--set", "metastore.type=in-memory"));
        CliRunner.Result r = CliRunner.raw(cl -> cl.addSubcommand("boom", new FailingJob()), argv.toArray(String[]::new));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("boom FAILED").contains("the source system is down");
        List<Row> runs = new RunRecordStore(t.lakehouse(), TableName.parse("ops.job_runs")).recent(5, Optional.of("boom"));
        assertThat(runs).singleElement().satisfies(row -> {
            assertThat(row.<String>getAs("status")).isEqualTo("FAILED");
            assertThat(row.<String>getAs("error_message")).contains("the source system is down");
        });
    }
}
