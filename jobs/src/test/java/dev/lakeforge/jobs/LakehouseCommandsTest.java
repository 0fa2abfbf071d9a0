package dev.lakeforge.jobs;

import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.RunRecordStore;
import dev.lakeforge.testing.LandingFiles;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SparkExtension.class)
class LakehouseCommandsTest {
    static final String CONF = """
            lakeforge.sources {
              orders {
                format = csv
                path = "*/erp/orders.csv"
                schema = "order_id STRING, quantity INT, updated_at TIMESTAMP"
                primary-key = [order_id]
                event-time = updated_at
                required = [order_id, quantity]
                expectations = [ { name = positive_quantity, sql = "quantity > 0", action = quarantine } ]
                checks { unique-key = true }
                zorder-by = [quantity]
              }
            }
            """;

    @Test
    void ingestRefineShowAsOfRunQualityAndMaintain(TestLakehouse t) {
        Path landing = Path.of(t.loaded().config().lakehouse().landing());
        LandingFiles.write(landing, "2024-01-01/erp/orders.csv", "order_id,quantity,updated_at",
                "O1,1,2024-01-01T10:00:00Z", "O2,-5,2024-01-01T10:00:00Z", "O3,x");
        assertThat(CliRunner.runWithConf(t, CONF, "ingest", "--run-date", "2024-01-01").exitCode()).isZero();
        CliRunner.Result refine1 = CliRunner.runWithConf(t, CONF, "refine", "--run-date", "2024-01-01");
        assertThat(refine1.exitCode()).as(refine1.all()).isZero();
        assertThat(refine1.out()).contains("refine orders").contains("refine SUCCEEDED");
        String firstRefine = latestRun(t, "refine");

        LandingFiles.write(landing, "2024-01-02/erp/orders.csv", "order_id,quantity,updated_at",
                "O1,7,2024-01-02T10:00:00Z", "O4,2,2024-01-02T10:00:00Z");
        assertThat(CliRunner.runWithConf(t, CONF, "ingest", "--run-date", "2024-01-02").exitCode()).isZero();
        assertThat(CliRunner.runWithConf(t, CONF, "refine", "--run-date", "2024-01-02").exitCode()).isZero();

        CliRunner.Result now = CliRunner.runWithConf(t, CONF, "show", "--table", "silver.orders", "--count");
        assertThat(now.out().strip()).isEqualTo("2"); // O1 (corrected), O4; O2 quarantined, O3 rejected
        CliRunner.Result then = CliRunner.runWithConf(t, CONF, "show", "--table", "silver.orders", "--as-of-run", firstRefine, "--count");
        assertThat(then.exitCode()).as(then.all()).isZero();
        assertThat(then.out().strip()).isEqualTo("1");
        assertThat(t.lakehouse().readAsOf(TableName.parse("silver.orders"), 1).first().<Integer>getAs("quantity")).isEqualTo(1);

        CliRunner.Result badRun = CliRunner.runWithConf(t, CONF, "show", "--table", "silver.orders", "--as-of-run", "nope");
        assertThat(badRun.exitCode()).isEqualTo(2);
        assertThat(badRun.err()).contains("No run nope");

        CliRunner.Result quality = CliRunner.runWithConf(t, CONF, "quality", "--table", "silver.orders", "--run", firstRefine);
        assertThat(quality.exitCode()).isZero();
        assertThat(quality.out()).contains("FAILED expectation:positive_quantity").contains("unique_key")
                .contains("Quarantined rows in quarantine.orders by reason").contains("expectation:positive_quantity");

        CliRunner.Result refused = CliRunner.runWithConf(t, CONF, "maintain", "--retention", "1");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.all()).contains("at least 7 days");
        CliRunner.Result maintain = CliRunner.runWithConf(t, CONF, "maintain", "--table", "silver.orders", "--table", "bronze.orders");
        assertThat(maintain.exitCode()).as(maintain.all()).isZero();
        assertThat(maintain.out()).contains("silver.orders").contains("quantity").contains("bronze.orders");
        assertThat(t.lakehouse().read(TableName.parse("silver.orders")).count()).isEqualTo(2);

        // the data docs of this small lakehouse: no models, no publish configuration, no plan — still a whole site
        Path site = Path.of(t.lakehouse().root()).resolve("site");
        CliRunner.Result docs = CliRunner.runWithConf(t, CONF, "docs", "--out", site.toString());
        assertThat(docs.exitCode()).as(docs.all()).isZero();
        assertThat(docs.out()).contains("pages").contains(site.resolve("index.html").toUri().toString());
        assertThat(site.resolve("tables/silver.orders.html")).content().contains("expectation:positive_quantity").contains("Quality checks");
        assertThat(site.resolve("plan.html")).content().contains("No production plan yet");
        assertThat(site.resolve("index.html")).content().contains("RUNNING").contains("docs-");
    }

    @Test
    void unknownSourceIsAUsageError(TestLakehouse t) {
        CliRunner.Result r = CliRunner.runWithConf(t, CONF, "ingest", "--source", "nothing", "--run-date", "2024-01-01");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.all()).contains("--source: expected one of the configured sources [orders]");
    }

    private static String latestRun(TestLakehouse t, String job) {
        List<Row> runs = new RunRecordStore(t.lakehouse(), TableName.parse("ops.job_runs")).recent(1, Optional.of(job));
        return runs.get(0).getString(0);
    }
}
