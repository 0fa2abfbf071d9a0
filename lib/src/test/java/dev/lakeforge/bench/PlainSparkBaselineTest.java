package dev.lakeforge.bench;

import dev.lakeforge.generate.DirtRates;
import dev.lakeforge.generate.EnterpriseDataGenerator;
import dev.lakeforge.ingest.IngestSourceAction;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.refine.RefineAction;
import dev.lakeforge.runs.JobRunner;
import dev.lakeforge.runs.RunRecord;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(SparkExtension.class)
class PlainSparkBaselineTest {
    static final List<String> SOURCES = List.of("customers", "products", "sales_orders", "order_lines");
    static final LocalDate RUN_DATE = LocalDate.of(2024, 7, 3);

    @Test
    void silverOrderLinesMatchLakeforgesWithinTwoPercent() throws IOException {
        // The project's own source configuration, so both sides apply the same rules.
        TestLakehouse t = SparkExtension.newLakehouseWithConf(Files.readString(Path.of("..", "conf", "sources.conf")));
        String landing = t.loaded().config().lakehouse().landing();
        EnterpriseDataGenerator.create().orderLines(3_000).seed(42L).outputDir(Path.of(landing)).incrementalBatches(3)
                .dirt(DirtRates.defaults()).execute();
        SourceCatalog catalog = SourceCatalog.from(t.loaded().config());
        List<SourceSpec> specs = catalog.inDependencyOrder().stream().filter(s -> SOURCES.contains(s.name())).toList();

        Lakehouse lake = t.lakehouse();
        RunRecord rec = new JobRunner(lake, t.loaded()).out(new PrintStream(new ByteArrayOutputStream())).run("pipeline", RUN_DATE, run -> {
            for (SourceSpec s : specs) {
                new IngestSourceAction(lake, landing).source(s).runDate(RUN_DATE).run(run).execute();
            }
            new RefineAction(lake).sources(catalog).only(SOURCES).runDate(RUN_DATE).run(run).execute();
        });
        assertThat(rec.succeeded()).as(rec.errorMessage()).isTrue();

        PlainSparkBaseline baseline = PlainSparkBaseline.create(t.spark()).sources(specs).landing(landing)
                .root(t.root().resolve("baseline").toString()).runDate(RUN_DATE);
        assertThat(baseline.ingest()).extracting(PlainSparkBaseline.SourceTiming::source).containsExactlyElementsOf(
                specs.stream().map(SourceSpec::name).toList());
        baseline.refine();

        long lakeforge = lake.read(TableName.of("silver", "order_lines")).count();
        long plain = baseline.count("silver", "order_lines");
        assertThat(lakeforge).isGreaterThan(2_500);
        assertThat((double) plain).isCloseTo(lakeforge, within(lakeforge * 0.02));

        // the baseline refused what it should, and its silver table has one row per key
        Dataset<Row> quarantine = t.spark().read().format("delta").load(baseline.path("quarantine", "order_lines"));
        assertThat(quarantine.where(col(PlainSparkBaseline.REASON).startsWith("unknown_reference:product_id")).count()).isPositive();
        assertThat(quarantine.where(col(PlainSparkBaseline.REASON).startsWith("type_error:")).count()).isPositive();
        Dataset<Row> silver = t.spark().read().format("delta").load(baseline.path("silver", "order_lines"));
        assertThat(silver.select("order_id", "line_no").distinct().count()).isEqualTo(plain);
    }
}
